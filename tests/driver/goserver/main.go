// A Go program serving net/http/pprof on loopback, for cpprof's fetch tests:
// the endpoints a Go service has, plus /bad (500), /garbage (not a profile)
// and /slow (answers after 30 s). Prints its address on stdout.
package main

import (
	"crypto/sha256"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"time"
)

func spin() {
	sum := sha256.Sum256([]byte("cpprof"))
	for {
		for i := 0; i < 1000; i++ {
			sum = sha256.Sum256(sum[:])
		}
		time.Sleep(time.Millisecond)
	}
}

func main() {
	http.HandleFunc("/bad", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "broken on purpose", http.StatusInternalServerError)
	})
	http.HandleFunc("/garbage", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("this is not a profile\n"))
	})
	http.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(30 * time.Second)
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go spin()
	fmt.Println(l.Addr().String())
	http.Serve(l, nil)
}
