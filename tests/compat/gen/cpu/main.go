// Command cpu writes gen.cpu.pb.gz: a ~1.2 s CPU profile of two labelled
// workers (pprof.Do) running busy functions with distinct names, a few small
// inlinable helpers and a recursive function.
//
// Usage: go run . OUTDIR   (GO111MODULE=off, standard library only)
package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"sync"
	"time"
)

var sink uint64

// mix and rotl are small enough to be inlined into their callers.
func mix(a, b uint64) uint64       { return (a ^ b) * 0x9E3779B97F4A7C15 }
func rotl(x uint64, k uint) uint64 { return x<<k | x>>(64-k) }

//go:noinline
func hashSpin(n int) uint64 {
	var h uint64 = 1
	for i := 0; i < n; i++ {
		h = rotl(mix(h, uint64(i)), 17)
	}
	return h
}

//go:noinline
func shaChurn(n int) {
	buf := make([]byte, 4096)
	for i := 0; i < n; i++ {
		s := sha256.Sum256(buf)
		buf[i%len(buf)] = s[0]
	}
}

//go:noinline
func sortShuffle(n int) {
	xs := make([]int, n)
	for i := range xs {
		xs[i] = int(mix(uint64(i), 12345) % 100000)
	}
	sort.Ints(xs)
}

func dot(a, b []float64) float64 { // inlinable
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

//go:noinline
func matrixMultiply(n int) float64 {
	a := make([]float64, n)
	b := make([]float64, n)
	for i := range a {
		a[i], b[i] = float64(i), float64(n-i)
	}
	t := 0.0
	for i := 0; i < n; i++ {
		t += dot(a, b)
	}
	return t
}

//go:noinline
func fibRecursive(n int) int {
	if n < 2 {
		return n
	}
	return fibRecursive(n-1) + fibRecursive(n-2)
}

func worker1(ctx context.Context, deadline time.Time) {
	for time.Now().Before(deadline) {
		pprof.Do(ctx, pprof.Labels("phase", "hash"), func(context.Context) {
			sink += hashSpin(200000)
			shaChurn(20)
		})
		pprof.Do(ctx, pprof.Labels("phase", "sort"), func(context.Context) {
			sortShuffle(20000)
		})
	}
}

func worker2(ctx context.Context, deadline time.Time) {
	for time.Now().Before(deadline) {
		pprof.Do(ctx, pprof.Labels("phase", "matrix"), func(context.Context) {
			sink += uint64(matrixMultiply(300))
		})
		pprof.Do(ctx, pprof.Labels("phase", "recurse", "depth", "deep"), func(context.Context) {
			sink += uint64(fibRecursive(22))
		})
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: cpu OUTDIR")
		os.Exit(2)
	}
	f, err := os.Create(filepath.Join(os.Args[1], "gen.cpu.pb.gz"))
	if err != nil {
		panic(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		panic(err)
	}
	deadline := time.Now().Add(1200 * time.Millisecond)
	var wg sync.WaitGroup
	wg.Add(2)
	go pprof.Do(context.Background(), pprof.Labels("worker", "alpha"), func(ctx context.Context) {
		defer wg.Done()
		worker1(ctx, deadline)
	})
	go pprof.Do(context.Background(), pprof.Labels("worker", "beta"), func(ctx context.Context) {
		defer wg.Done()
		worker2(ctx, deadline)
	})
	wg.Wait()
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		panic(err)
	}
}
