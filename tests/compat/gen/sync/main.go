// Command sync writes contention and goroutine-style profiles:
//
//	gen.mutex.pb.gz, gen.block.pb.gz, gen.goroutine.pb.gz, gen.threadcreate.pb.gz
//
// Usage: go run . OUTDIR   (GO111MODULE=off, standard library only)
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

var (
	mu      sync.Mutex
	counter int
)

func holdLock(d time.Duration) { // inlinable
	mu.Lock()
	counter++
	time.Sleep(d)
	mu.Unlock()
}

//go:noinline
func contendMutex(workers, iters int) {
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < iters; i++ {
				holdLock(300 * time.Microsecond)
			}
		}()
	}
	wg.Wait()
}

//go:noinline
func channelPingPong(n int) {
	ch := make(chan int)
	done := make(chan struct{})
	go func() {
		for i := 0; i < n; i++ {
			time.Sleep(500 * time.Microsecond)
			ch <- i
		}
		close(done)
	}()
	for i := 0; i < n; i++ {
		<-ch
	}
	<-done
}

//go:noinline
func selectWait(n int) {
	a, b := make(chan int), make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			time.Sleep(300 * time.Microsecond)
			if i%2 == 0 {
				a <- i
			} else {
				b <- i
			}
		}
	}()
	for i := 0; i < n; i++ {
		select {
		case <-a:
		case <-b:
		}
	}
}

//go:noinline
func parkForever(ctx context.Context, stop chan struct{}, started *sync.WaitGroup) {
	started.Done()
	<-stop
}

//go:noinline
func sleepingWorker(started *sync.WaitGroup) {
	started.Done()
	time.Sleep(time.Hour)
}

func write(dir, name, profile string) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		panic(err)
	}
	if err := pprof.Lookup(profile).WriteTo(f, 0); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: sync OUTDIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	runtime.SetMutexProfileFraction(1)
	runtime.SetBlockProfileRate(1)

	contendMutex(4, 15)
	channelPingPong(30)
	selectWait(20)
	write(dir, "gen.mutex.pb.gz", "mutex")
	write(dir, "gen.block.pb.gz", "block")

	stop := make(chan struct{})
	var started sync.WaitGroup
	for i, role := range []string{"reader", "reader", "reader", "writer", "writer", "janitor"} {
		started.Add(1)
		go pprof.Do(context.Background(), pprof.Labels("role", role, "shard", fmt.Sprint(i%2)), func(ctx context.Context) {
			parkForever(ctx, stop, &started)
		})
	}
	for i := 0; i < 3; i++ {
		started.Add(1)
		go sleepingWorker(&started)
	}
	started.Wait()
	write(dir, "gen.goroutine.pb.gz", "goroutine")
	write(dir, "gen.threadcreate.pb.gz", "threadcreate")
	close(stop)
}
