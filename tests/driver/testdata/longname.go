// Writes longname.pb.gz: a profile whose function name is 20 KiB long, past
// graphviz's 16384-byte string limit (pprof issue #809).
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go run longname.go longname.pb.gz

package main

import (
	"os"
	"strings"

	"github.com/google/pprof/profile"
)

func main() {
	long := "ns::" + strings.Repeat("VeryLongTemplateArgument<int>", 700) + "::method"
	m := &profile.Mapping{ID: 1, File: "/bin/long", HasFunctions: true}
	f1 := &profile.Function{ID: 1, Name: long, SystemName: long, Filename: "long.cc"}
	f2 := &profile.Function{ID: 2, Name: "main", SystemName: "main", Filename: "main.cc"}
	l1 := &profile.Location{ID: 1, Mapping: m, Address: 0x1000, Line: []profile.Line{{Function: f1, Line: 3}}}
	l2 := &profile.Location{ID: 2, Mapping: m, Address: 0x2000, Line: []profile.Line{{Function: f2, Line: 9}}}
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "cpu", Unit: "nanoseconds"}},
		Sample:     []*profile.Sample{{Location: []*profile.Location{l1, l2}, Value: []int64{1000}}, {Location: []*profile.Location{l2}, Value: []int64{500}}},
		Mapping:    []*profile.Mapping{m}, Location: []*profile.Location{l1, l2}, Function: []*profile.Function{f1, f2},
	}
	out, _ := os.Create(os.Args[1])
	p.Write(out)
	out.Close()
}
