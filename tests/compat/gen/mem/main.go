// Command mem writes three memory profiles of a growing "leak":
//
//	gen.heapA.pb.gz  - heap snapshot after phase A
//	gen.heapB.pb.gz  - heap snapshot after phase B (more leaked, cache freed)
//	gen.allocs.pb.gz - allocs profile at the end
//
// MemProfileRate is 1 so every allocation is recorded.
//
// Usage: go run . OUTDIR   (GO111MODULE=off, standard library only)
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

var _ = setRate()

func setRate() bool { runtime.MemProfileRate = 1; return true }

var (
	leaked [][]byte
	cache  map[int][]byte
	sink   []byte
)

func newRecord(n int) []byte { return make([]byte, n) } // inlinable

//go:noinline
func leakSmall(n int) {
	for i := 0; i < n; i++ {
		leaked = append(leaked, newRecord(512))
	}
}

//go:noinline
func leakLarge(n int) {
	for i := 0; i < n; i++ {
		leaked = append(leaked, make([]byte, 64<<10))
	}
}

//go:noinline
func fillCache(n int) {
	cache = make(map[int][]byte)
	for i := 0; i < n; i++ {
		cache[i] = make([]byte, 4096)
	}
}

//go:noinline
func dropCache() { cache = nil }

//go:noinline
func churnTemporary(n int) {
	for i := 0; i < n; i++ {
		sink = make([]byte, 128+i%256)
	}
	sink = nil
}

func write(dir, name, profile string) {
	runtime.GC()
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
		fmt.Fprintln(os.Stderr, "usage: mem OUTDIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	// Phase A.
	leakSmall(400)
	fillCache(200)
	churnTemporary(2000)
	write(dir, "gen.heapA.pb.gz", "heap")
	// Phase B: the leak grows, the cache is released.
	leakSmall(800)
	leakLarge(40)
	dropCache()
	churnTemporary(4000)
	write(dir, "gen.heapB.pb.gz", "heap")
	write(dir, "gen.allocs.pb.gz", "allocs")
	runtime.KeepAlive(leaked)
}
