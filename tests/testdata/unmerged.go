// Writes tests/testdata/unmerged.pb.gz: a profile that pprof's merge of a
// single profile changes (duplicate samples, a zero sample, a duplicate
// location and function, locations out of first-use order, inline frames),
// while its mappings are used in their own order.
// usage: GOPATH=/usr/share/gocode GO111MODULE=off go run unmerged.go OUT
package main

import (
	"os"

	"github.com/google/pprof/profile"
)

func main() {
	exe := &profile.Mapping{ID: 1, Start: 0x400000, Limit: 0x500000, File: "/usr/bin/app", HasFunctions: true, HasFilenames: true, HasLineNumbers: true, HasInlineFrames: true}
	libc := &profile.Mapping{ID: 2, Start: 0x7f0000000000, Limit: 0x7f0000100000, File: "/lib/libc.so.6", HasFunctions: true, HasFilenames: true, HasLineNumbers: true}
	fn := func(id uint64, name, file string) *profile.Function {
		return &profile.Function{ID: id, Name: name, SystemName: name, Filename: file, StartLine: 1}
	}
	main_ := fn(1, "main", "app/main.cc")
	work := fn(2, "Work", "app/work.cc")
	hash := fn(3, "Hash", "app/hash.h")
	memcpy := fn(4, "memcpy", "string/memcpy.S")
	work2 := fn(5, "Work", "app/work.cc") // the same function again
	loc := func(id uint64, m *profile.Mapping, addr uint64, lines ...profile.Line) *profile.Location {
		return &profile.Location{ID: id, Mapping: m, Address: addr, Line: lines}
	}
	// Listed leaf first, unlike the order samples use them.
	lMemcpy := loc(1, libc, 0x7f0000001000, profile.Line{Function: memcpy, Line: 40})
	lHashInWork := loc(2, exe, 0x401200, profile.Line{Function: hash, Line: 7}, profile.Line{Function: work, Line: 22})
	lWork := loc(3, exe, 0x401100, profile.Line{Function: work, Line: 20})
	lWorkAgain := loc(4, exe, 0x401100, profile.Line{Function: work2, Line: 20}) // equal to lWork
	lMain := loc(5, exe, 0x401000, profile.Line{Function: main_, Line: 10})
	s := func(v int64, locs ...*profile.Location) *profile.Sample {
		return &profile.Sample{Location: locs, Value: []int64{v, v * 10000000}}
	}
	p := &profile.Profile{
		SampleType:    []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		PeriodType:    &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:        10000000,
		DurationNanos: 1e9,
		TimeNanos:     1700000000e9,
		Mapping:       []*profile.Mapping{exe, libc},
		Function:      []*profile.Function{main_, work, hash, memcpy, work2},
		Location:      []*profile.Location{lMemcpy, lHashInWork, lWork, lWorkAgain, lMain},
		Sample: []*profile.Sample{
			s(3, lWork, lMain),
			s(5, lHashInWork, lMain),
			s(0, lMemcpy, lMain),
			s(2, lWorkAgain, lMain), // the first sample again, through the duplicate location
			s(4, lMemcpy, lHashInWork, lMain),
			s(1, lWork, lMain), // the first sample again
			s(7, lMemcpy, lWork, lMain),
		},
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := p.Write(f); err != nil {
		panic(err)
	}
	f.Close()
}
