// Command edge writes hand-built, deterministic edge-case profiles
// (gzipped profile.proto) into the directory given as argv[1].
//
// Build with the Debian copy of github.com/google/pprof/profile:
//
//	GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= go run . OUTDIR
//
// Every file is fixed: same bytes on every run (fixed time_nanos, no maps
// iterated while encoding except inside profile.Write, which sorts labels).
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"

	"github.com/google/pprof/profile"
)

// builder accumulates functions, locations and mappings for one profile.
type builder struct {
	p     *profile.Profile
	funcs map[string]*profile.Function
}

func newBuilder(types ...string) *builder {
	p := &profile.Profile{}
	for i := 0; i+1 < len(types); i += 2 {
		p.SampleType = append(p.SampleType, &profile.ValueType{Type: types[i], Unit: types[i+1]})
	}
	return &builder{p: p, funcs: map[string]*profile.Function{}}
}

// mapping adds a mapping; symbolized=true sets all the Has* flags.
func (b *builder) mapping(start, limit, offset uint64, file, buildID string, symbolized bool) *profile.Mapping {
	m := &profile.Mapping{
		ID: uint64(len(b.p.Mapping) + 1), Start: start, Limit: limit, Offset: offset,
		File: file, BuildID: buildID,
		HasFunctions: symbolized, HasFilenames: symbolized, HasLineNumbers: symbolized, HasInlineFrames: symbolized,
	}
	b.p.Mapping = append(b.p.Mapping, m)
	return m
}

// fn returns the function (name, file, startLine), creating it once.
func (b *builder) fn(name, file string, start int64) *profile.Function {
	return b.fnSys(name, name, file, start)
}

func (b *builder) fnSys(name, sys, file string, start int64) *profile.Function {
	key := fmt.Sprintf("%s\x00%s\x00%s\x00%d", name, sys, file, start)
	if f := b.funcs[key]; f != nil {
		return f
	}
	f := &profile.Function{ID: uint64(len(b.p.Function) + 1), Name: name, SystemName: sys, Filename: file, StartLine: start}
	b.funcs[key] = f
	b.p.Function = append(b.p.Function, f)
	return f
}

// ln is a Line: function + line number.
func ln(f *profile.Function, line int64) profile.Line { return profile.Line{Function: f, Line: line} }

// loc adds a location. lines[0] is the innermost (inlined) frame, the last
// one the outermost caller, as in profile.proto.
func (b *builder) loc(m *profile.Mapping, addr uint64, lines ...profile.Line) *profile.Location {
	l := &profile.Location{ID: uint64(len(b.p.Location) + 1), Mapping: m, Address: addr, Line: lines}
	b.p.Location = append(b.p.Location, l)
	return l
}

// sample adds a sample; stack is leaf first.
func (b *builder) sample(stack []*profile.Location, values ...int64) *profile.Sample {
	s := &profile.Sample{Location: stack, Value: values}
	b.p.Sample = append(b.p.Sample, s)
	return s
}

func withLabels(s *profile.Sample, kv ...string) *profile.Sample {
	if s.Label == nil {
		s.Label = map[string][]string{}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		s.Label[kv[i]] = append(s.Label[kv[i]], kv[i+1])
	}
	return s
}

// withNum adds a numeric label key=value with unit ("" = no unit).
func withNum(s *profile.Sample, key string, v int64, unit string) *profile.Sample {
	if s.NumLabel == nil {
		s.NumLabel = map[string][]int64{}
		s.NumUnit = map[string][]string{}
	}
	s.NumLabel[key] = append(s.NumLabel[key], v)
	s.NumUnit[key] = append(s.NumUnit[key], unit)
	return s
}

func stk(ls ...*profile.Location) []*profile.Location { return ls }

const (
	t2020 = int64(1600000000123456789) // 2020-09-13 12:26:40 UTC (summer time in New York)
	t2023 = int64(1700000000000000000) // 2023-11-14 22:13:20 UTC (winter time)
	t2024 = int64(1704067199999999999) // 2023-12-31 23:59:59.999 UTC (local date differs from UTC in New York)
)

// ---------------------------------------------------------------------------

// inline: locations with several Lines (inlined call chains).
func inline() *profile.Profile {
	b := newBuilder("samples", "count", "cpu", "nanoseconds")
	b.p.PeriodType = &profile.ValueType{Type: "cpu", Unit: "nanoseconds"}
	b.p.Period = 10000000
	b.p.TimeNanos = t2020
	b.p.DurationNanos = 3123456789
	m := b.mapping(0x400000, 0x800000, 0, "/opt/edge/bin/inliner", "", true)
	fMain := b.fn("main.main", "/src/edge/main.go", 10)
	fServe := b.fn("main.serve", "/src/edge/serve.go", 20)
	fParse := b.fn("main.parseHeader", "/src/edge/parse.go", 5)
	fIsSpace := b.fn("main.isSpace", "/src/edge/parse.go", 40)
	fLower := b.fn("main.toLower", "/src/edge/parse.go", 50)
	fHash := b.fn("main.hashKey", "/src/edge/hash.go", 7)
	fMix := b.fn("main.mix", "/src/edge/hash.go", 30)
	fWrite := b.fn("main.writeResponse", "/src/edge/serve.go", 80)
	fMemmove := b.fn("runtime.memmove", "/usr/lib/go/src/runtime/memmove_amd64.s", 33)

	lMain := b.loc(m, 0x401000, ln(fMain, 15))
	lServe := b.loc(m, 0x402000, ln(fServe, 25))
	// parseHeader with isSpace inlined, and toLower inlined into isSpace.
	lParse3 := b.loc(m, 0x403010, ln(fLower, 52), ln(fIsSpace, 42), ln(fParse, 9))
	lParse2 := b.loc(m, 0x403020, ln(fIsSpace, 44), ln(fParse, 11))
	lParse := b.loc(m, 0x403030, ln(fParse, 14))
	// hashKey inlined into serve at the call site.
	lHashInl := b.loc(m, 0x402040, ln(fMix, 31), ln(fHash, 9), ln(fServe, 27))
	lHash := b.loc(m, 0x404000, ln(fMix, 32), ln(fHash, 10))
	lServeHash := b.loc(m, 0x402050, ln(fServe, 28))
	lWrite := b.loc(m, 0x405000, ln(fWrite, 85), ln(fServe, 30))
	lMove := b.loc(m, 0x406000, ln(fMemmove, 100))

	b.sample(stk(lParse3, lServe, lMain), 12, 120000000)
	b.sample(stk(lParse2, lServe, lMain), 7, 70000000)
	b.sample(stk(lParse, lServe, lMain), 3, 30000000)
	b.sample(stk(lHashInl, lMain), 20, 200000000)
	b.sample(stk(lHash, lServeHash, lMain), 5, 50000000)
	b.sample(stk(lMove, lWrite, lMain), 9, 90000000)
	b.sample(stk(lWrite, lMain), 1, 10000000)
	b.sample(stk(lServe, lMain), 2, 20000000)
	return b.p
}

// addronly: address-only locations (unsymbolized mappings), a location
// without a mapping, several mappings, a mapping with a build id.
func addronly() *profile.Profile {
	b := newBuilder("samples", "count", "cpu", "nanoseconds")
	b.p.PeriodType = &profile.ValueType{Type: "cpu", Unit: "nanoseconds"}
	b.p.Period = 1000000
	b.p.TimeNanos = t2023
	mExe := b.mapping(0x400000, 0x4a0000, 0, "/opt/edge/bin/stripped", "", false)
	mLib := b.mapping(0x7f0000001000, 0x7f0000200000, 0x1000, "/opt/edge/lib/libnosym.so.1", "4c1b2e6f0a9d8c7b6a5f4e3d2c1b0a9988776655", false)
	mSym := b.mapping(0x7f0000400000, 0x7f0000500000, 0, "/opt/edge/lib/libsym.so", "deadbeefcafe", true)
	fEntry := b.fn("entry_point", "lib/sym.c", 100)
	fDispatch := b.fn("dispatch", "lib/sym.c", 200)

	a1 := b.loc(mExe, 0x401234)
	a2 := b.loc(mExe, 0x401a00)
	a3 := b.loc(mExe, 0x402000)
	l1 := b.loc(mLib, 0x7f0000001500)
	l2 := b.loc(mLib, 0x7f00000fff00)
	s1 := b.loc(mSym, 0x7f0000400100, ln(fEntry, 101))
	s2 := b.loc(mSym, 0x7f0000400200, ln(fDispatch, 210))
	nm := b.loc(nil, 0xffffffff81000010) // no mapping, no lines
	nm2 := b.loc(nil, 0x10)              // no mapping, tiny address

	b.sample(stk(a1, a2, a3), 10, 10000000)
	b.sample(stk(a2, a3), 4, 4000000)
	b.sample(stk(l1, s2, s1, a3), 6, 6000000)
	b.sample(stk(l2, l1, s2, s1, a3), 3, 3000000)
	b.sample(stk(s2, s1, a3), 2, 2000000)
	b.sample(stk(nm, a1, a3), 5, 5000000)
	b.sample(stk(nm2, nm), 1, 1000000)
	b.sample(stk(a3), 1, 1000000)
	return b.p
}

// nomapping: symbolized locations but no mappings at all (pprof adds a fake one).
func nomapping() *profile.Profile {
	b := newBuilder("contentions", "count", "delay", "nanoseconds")
	b.p.PeriodType = &profile.ValueType{Type: "contentions", Unit: "count"}
	b.p.Period = 1
	b.p.TimeNanos = t2024
	fLock := b.fn("sync.(*Mutex).Lock", "/usr/lib/go/src/sync/mutex.go", 72)
	fUnlock := b.fn("sync.(*Mutex).Unlock", "/usr/lib/go/src/sync/mutex.go", 190)
	fStore := b.fn("main.(*store).put", "/src/kv/store.go", 30)
	fGet := b.fn("main.(*store).get", "/src/kv/store.go", 50)
	fHandle := b.fn("main.handle", "/src/kv/server.go", 12)
	lLock := b.loc(nil, 0x1001, ln(fLock, 81))
	lUnlock := b.loc(nil, 0x1002, ln(fUnlock, 200))
	lPut := b.loc(nil, 0x1003, ln(fStore, 33))
	lGet := b.loc(nil, 0x1004, ln(fGet, 55))
	lHandle := b.loc(nil, 0x1005, ln(fHandle, 20))
	lHandle2 := b.loc(nil, 0x1006, ln(fHandle, 24))
	b.sample(stk(lLock, lPut, lHandle), 40, 123456789)
	b.sample(stk(lLock, lGet, lHandle2), 15, 2345678)
	b.sample(stk(lUnlock, lPut, lHandle), 3, 987654)
	b.sample(stk(lUnlock, lGet, lHandle2), 1, 1500)
	return b.p
}

// numlabels: heap-like profile with numeric labels with and without units,
// plus string labels.
func numlabels() *profile.Profile {
	b := newBuilder("alloc_objects", "count", "alloc_space", "bytes", "inuse_objects", "count", "inuse_space", "bytes")
	b.p.PeriodType = &profile.ValueType{Type: "space", Unit: "bytes"}
	b.p.Period = 524288
	b.p.TimeNanos = t2023
	m := b.mapping(0x400000, 0x900000, 0, "/opt/edge/bin/allocator", "", true)
	fMalloc := b.fn("malloc", "/build/glibc/malloc/malloc.c", 3000)
	fNew := b.fn("operator new(unsigned long)", "/build/gcc/libstdc++/new_op.cc", 40)
	fBuf := b.fn("Buffer::Grow(unsigned long)", "src/buffer.cc", 10)
	fReq := b.fn("HandleRequest(Request const&)", "src/server.cc", 100)
	fCache := b.fn("Cache::Insert(std::string const&)", "src/cache.cc", 55)
	fMain := b.fn("main", "src/main.cc", 1)
	lMalloc := b.loc(m, 0x401000, ln(fMalloc, 3050))
	lNew := b.loc(m, 0x402000, ln(fNew, 50))
	lBuf := b.loc(m, 0x403000, ln(fBuf, 12))
	lReq := b.loc(m, 0x404000, ln(fReq, 120))
	lReq2 := b.loc(m, 0x404100, ln(fReq, 130))
	lCache := b.loc(m, 0x405000, ln(fCache, 60))
	lMain := b.loc(m, 0x406000, ln(fMain, 5))

	s := b.sample(stk(lMalloc, lNew, lBuf, lReq, lMain), 10, 10*1024, 2, 2*1024)
	withNum(s, "bytes", 1024, "bytes")
	withNum(s, "requestsize", 64, "kilobytes")
	withLabels(s, "handler", "upload", "tenant", "acme")
	s = b.sample(stk(lMalloc, lNew, lBuf, lReq2, lMain), 4, 4*65536, 4, 4*65536)
	withNum(s, "bytes", 65536, "bytes")
	withNum(s, "requestsize", 2048, "kilobytes")
	withNum(s, "alignment", 64, "")
	withLabels(s, "handler", "upload", "tenant", "globex")
	s = b.sample(stk(lMalloc, lNew, lCache, lMain), 1000, 1000*48, 800, 800*48)
	withNum(s, "bytes", 48, "bytes")
	withNum(s, "retries", 3, "")
	withLabels(s, "handler", "lookup", "tenant", "acme")
	s = b.sample(stk(lMalloc, lCache, lMain), 2, 2*3*1024*1024, 1, 3*1024*1024)
	withNum(s, "bytes", 3*1024*1024, "bytes")
	withNum(s, "requestsize", 1, "megabytes")
	withNum(s, "latency", 1500, "milliseconds")
	withLabels(s, "handler", "lookup")
	s = b.sample(stk(lMalloc, lMain), 1, 2*1024*1024*1024, 0, 0) // freed: alloc only
	withNum(s, "bytes", 2*1024*1024*1024, "bytes")
	withNum(s, "latency", 250000, "microseconds")
	s = b.sample(stk(lMalloc, lNew, lBuf, lReq, lMain), 7, 7*100, 0, 0)
	withNum(s, "bytes", 100, "bytes")
	withNum(s, "requestsize", 30, "kilobytes")
	withNum(s, "pid", 4242, "")
	withNum(s, "pid", 4343, "")
	withLabels(s, "handler", "upload", "tenant", "initech")
	return b.p
}

// strlabels: several string label keys, a key with two values, odd values.
func strlabels() *profile.Profile {
	b := newBuilder("samples", "count", "wall", "microseconds")
	b.p.PeriodType = &profile.ValueType{Type: "wall", Unit: "microseconds"}
	b.p.Period = 10000
	b.p.TimeNanos = t2020
	b.p.DurationNanos = 60 * 1000000000
	m := b.mapping(0x10000, 0x90000, 0, "/srv/app/bin/api-server", "", true)
	fRoot := b.fn("net/http.(*conn).serve", "/usr/lib/go/src/net/http/server.go", 1800)
	fMux := b.fn("net/http.(*ServeMux).ServeHTTP", "/usr/lib/go/src/net/http/server.go", 2400)
	fUsers := b.fn("example.com/api/handlers.Users", "/srv/app/handlers/users.go", 20)
	fOrders := b.fn("example.com/api/handlers.Orders", "/srv/app/handlers/orders.go", 20)
	fQuery := b.fn("example.com/api/db.(*DB).Query", "/srv/app/db/db.go", 100)
	fJSON := b.fn("encoding/json.Marshal", "/usr/lib/go/src/encoding/json/encode.go", 158)
	lRoot := b.loc(m, 0x11000, ln(fRoot, 1900))
	lMux := b.loc(m, 0x12000, ln(fMux, 2450))
	lUsers := b.loc(m, 0x13000, ln(fUsers, 25))
	lOrders := b.loc(m, 0x14000, ln(fOrders, 30))
	lQuery := b.loc(m, 0x15000, ln(fQuery, 120))
	lJSON := b.loc(m, 0x16000, ln(fJSON, 160))

	base := stk(lMux, lRoot)
	w := func(leaf ...*profile.Location) []*profile.Location {
		return append(append([]*profile.Location{}, leaf...), base...)
	}
	withLabels(b.sample(w(lQuery, lUsers), 30, 300000), "endpoint", "/api/v1/users", "method", "GET", "region", "us-east-1")
	withLabels(b.sample(w(lJSON, lUsers), 12, 120000), "endpoint", "/api/v1/users", "method", "GET", "region", "eu-west-1")
	withLabels(b.sample(w(lQuery, lOrders), 25, 250000), "endpoint", "/api/v1/orders", "method", "POST", "region", "us-east-1")
	withLabels(b.sample(w(lJSON, lOrders), 8, 80000), "endpoint", "/api/v1/orders", "method", "GET", "region", "us-east-1", "region", "us-west-2")
	withLabels(b.sample(w(lOrders), 3, 30000), "endpoint", "/api/v1/orders", "method", "DELETE", "note", "value with spaces, commas: and=equals")
	withLabels(b.sample(w(lUsers), 2, 20000), "endpoint", "/api/v1/users", "method", "GET", "empty", "")
	b.sample(w(), 5, 50000) // no labels
	withLabels(b.sample(w(lQuery, lUsers), 1, 10000), "endpoint", "/healthz", "method", "HEAD", "region", "ap-south-1", "canary", "true")
	return b.p
}

// diff: a profile shaped like the output of a diff: negative, zero and
// positive values, some samples carrying the pprof::base label.
func diff() *profile.Profile {
	b := newBuilder("samples", "count", "cpu", "nanoseconds")
	b.p.PeriodType = &profile.ValueType{Type: "cpu", Unit: "nanoseconds"}
	b.p.Period = 10000000
	b.p.TimeNanos = t2023
	b.p.DurationNanos = 10000000000
	m := b.mapping(0x400000, 0x800000, 0, "/opt/edge/bin/differ", "", true)
	fMain := b.fn("main.main", "/src/differ/main.go", 1)
	fA := b.fn("main.oldPath", "/src/differ/a.go", 1)
	fB := b.fn("main.newPath", "/src/differ/b.go", 1)
	fC := b.fn("main.shared", "/src/differ/c.go", 1)
	fD := b.fn("main.unchanged", "/src/differ/d.go", 1)
	fE := b.fn("main.mixed", "/src/differ/e.go", 1)
	lMain := b.loc(m, 0x401000, ln(fMain, 5))
	lA := b.loc(m, 0x402000, ln(fA, 5))
	lB := b.loc(m, 0x403000, ln(fB, 5))
	lC := b.loc(m, 0x404000, ln(fC, 5))
	lD := b.loc(m, 0x405000, ln(fD, 5))
	lE := b.loc(m, 0x406000, ln(fE, 5))
	b.sample(stk(lA, lMain), -40, -400000000)
	b.sample(stk(lB, lMain), 55, 550000000)
	b.sample(stk(lC, lA, lMain), -10, -100000000)
	b.sample(stk(lC, lB, lMain), 12, 120000000)
	b.sample(stk(lD, lMain), 0, 0)
	b.sample(stk(lE, lMain), 5, 50000000)
	b.sample(stk(lC, lE, lMain), -8, -80000000)
	withLabels(b.sample(stk(lA, lMain), -3, -30000000), "pprof::base", "true")
	withLabels(b.sample(stk(lE, lMain), 2, 20000000), "pprof::base", "true")
	b.sample(stk(lMain), 1, 10000000)
	return b.p
}

// empty: sample types but no samples.
func empty() *profile.Profile {
	b := newBuilder("alloc_objects", "count", "alloc_space", "bytes")
	b.p.PeriodType = &profile.ValueType{Type: "space", Unit: "bytes"}
	b.p.Period = 524288
	b.p.TimeNanos = t2023
	b.p.Comments = []string{"an empty profile"}
	b.mapping(0x400000, 0x500000, 0, "/opt/edge/bin/idle", "", true)
	return b.p
}

// multitype: several sample types, default_sample_type is not the last one.
func multitype() *profile.Profile {
	b := newBuilder("requests", "count", "latency", "microseconds", "wall", "nanoseconds", "payload", "bytes", "errors", "count")
	b.p.DefaultSampleType = "latency"
	b.p.PeriodType = &profile.ValueType{Type: "requests", Unit: "count"}
	b.p.Period = 1
	b.p.TimeNanos = t2020
	b.p.DurationNanos = 90061000000000 // 25h1m1s
	m := b.mapping(0x400000, 0x800000, 0, "/usr/local/bin/gateway", "", true)
	fMain := b.fn("gateway.Run", "/src/gateway/run.go", 10)
	fAuth := b.fn("gateway.authenticate", "/src/gateway/auth.go", 10)
	fProxy := b.fn("gateway.proxy", "/src/gateway/proxy.go", 10)
	fTLS := b.fn("crypto/tls.(*Conn).Handshake", "/usr/lib/go/src/crypto/tls/conn.go", 1400)
	fRead := b.fn("io.ReadAll", "/usr/lib/go/src/io/io.go", 640)
	lMain := b.loc(m, 0x401000, ln(fMain, 20))
	lAuth := b.loc(m, 0x402000, ln(fAuth, 15))
	lProxy := b.loc(m, 0x403000, ln(fProxy, 30))
	lTLS := b.loc(m, 0x404000, ln(fTLS, 1450))
	lRead := b.loc(m, 0x405000, ln(fRead, 650))
	withLabels(b.sample(stk(lTLS, lAuth, lMain), 100, 250000, 300000000, 1<<20, 2), "route", "login")
	withLabels(b.sample(stk(lAuth, lMain), 400, 40000, 50000000, 12000, 0), "route", "login")
	withLabels(b.sample(stk(lRead, lProxy, lMain), 1500, 9000000, 12000000000, 3<<30, 17), "route", "upload")
	withLabels(b.sample(stk(lProxy, lMain), 3000, 600000, 900000000, 5<<20, 1), "route", "browse")
	b.sample(stk(lMain), 7, 70, 7000, 0, 0)
	return b.p
}

// meta: comments, doc_url (added by hand), drop_frames/keep_frames,
// period/duration/time.
func meta() *profile.Profile {
	b := newBuilder("samples", "count", "cpu", "nanoseconds")
	b.p.PeriodType = &profile.ValueType{Type: "cpu", Unit: "nanoseconds"}
	b.p.Period = 4000000
	b.p.TimeNanos = t2024
	b.p.DurationNanos = 2500000000
	b.p.Comments = []string{"first comment", "second comment: with colon", "#hash-prefixed comment", "comment with\ttab"}
	b.p.DropFrames = "^malloc$|^operator new|^__libc_"
	b.p.KeepFrames = "^malloc_hook$"
	m := b.mapping(0x400000, 0x800000, 0, "/opt/edge/bin/meta", "0123456789abcdef", true)
	fMalloc := b.fn("malloc", "malloc.c", 1)
	fHook := b.fn("malloc_hook", "malloc.c", 50)
	fNew := b.fn("operator new(unsigned long)", "new.cc", 1)
	fLibc := b.fn("__libc_start_main", "libc-start.c", 1)
	fWork := b.fn("Worker::Work()", "worker.cc", 10)
	fRun := b.fn("Worker::Run()", "worker.cc", 40)
	fMain := b.fn("main", "main.cc", 1)
	lMalloc := b.loc(m, 0x401000, ln(fMalloc, 2))
	lHook := b.loc(m, 0x401100, ln(fHook, 55))
	lNew := b.loc(m, 0x402000, ln(fNew, 2))
	lLibc := b.loc(m, 0x403000, ln(fLibc, 2))
	lWork := b.loc(m, 0x404000, ln(fWork, 15))
	lRun := b.loc(m, 0x405000, ln(fRun, 45))
	lMain := b.loc(m, 0x406000, ln(fMain, 3))
	b.sample(stk(lMalloc, lNew, lWork, lRun, lMain, lLibc), 10, 40000000)
	b.sample(stk(lHook, lMalloc, lNew, lWork, lRun, lMain, lLibc), 3, 12000000)
	b.sample(stk(lWork, lRun, lMain, lLibc), 20, 80000000)
	b.sample(stk(lRun, lMain, lLibc), 5, 20000000)
	b.sample(stk(lMalloc, lMain, lLibc), 2, 8000000)
	return b.p
}

// cpp: long C++ names (templates, namespaces, anonymous namespaces,
// lambdas, operators), mangled system names, files with directories.
func cpp() *profile.Profile {
	b := newBuilder("samples", "count", "cpu", "nanoseconds")
	b.p.PeriodType = &profile.ValueType{Type: "cpu", Unit: "nanoseconds"}
	b.p.Period = 10000000
	b.p.TimeNanos = t2023
	m := b.mapping(0x555555554000, 0x555555a00000, 0x1000, "/home/build/out/Release/bin/renderer", "a1b2c3d4e5f60718293a4b5c6d7e8f9001122334", true)
	ml := b.mapping(0x7ffff7a00000, 0x7ffff7c00000, 0, "/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30", "", true)
	f1 := b.fnSys("std::vector<std::pair<int, std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > >, std::allocator<std::pair<int, std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > > > >::_M_realloc_insert<std::pair<int, std::string> >(__gnu_cxx::__normal_iterator<std::pair<int, std::string>*, std::vector<std::pair<int, std::string> > >, std::pair<int, std::string>&&)",
		"_ZNSt6vectorISt4pairIiNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEEESaIS7_EE17_M_realloc_insertIJS0_IiSsEEEEvN9__gnu_cxx17__normal_iteratorIPS7_S9_EEDpOT_",
		"/usr/include/c++/12/bits/vector.tcc", 426)
	f2 := b.fn("(anonymous namespace)::TileRasterizer::RasterizeTile(gfx::Rect const&) const", "src/render/raster/tile_rasterizer.cc", 210)
	f3 := b.fn("render::Pipeline<render::GLBackend, std::unique_ptr<render::Surface, std::default_delete<render::Surface> > >::Run()::{lambda(int)#1}::operator()(int) const", "src/render/pipeline.h", 88)
	f4 := b.fn("render::Pipeline<render::GLBackend, std::unique_ptr<render::Surface, std::default_delete<render::Surface> > >::Run()", "src/render/pipeline.h", 70)
	f5 := b.fn("base::internal::Invoker<base::internal::BindState<void (render::Scheduler::*)(int), base::WeakPtr<render::Scheduler> >, void ()>::RunOnce(base::internal::BindStateBase*)", "../../base/bind_internal.h", 700)
	f6 := b.fn("operator==(gfx::Rect const&, gfx::Rect const&)", "src/gfx/rect.cc", 12)
	f7 := b.fn("std::__detail::_Map_base<std::string, std::pair<std::string const, int>, std::allocator<std::pair<std::string const, int> >, std::__detail::_Select1st, std::equal_to<std::string>, std::hash<std::string>, std::__detail::_Mod_range_hashing, std::__detail::_Default_ranged_hash, std::__detail::_Prime_rehash_policy, std::__detail::_Hashtable_traits<true, false, true>, true>::operator[](std::string const&)", "/usr/include/c++/12/bits/hashtable_policy.h", 700)
	f8 := b.fn("main", "src/main.cc", 5)
	f9 := b.fn("com.example.render.JniBridge.nativeDraw(JLjava/lang/Object;)V", "JniBridge.java", 33)
	f10 := b.fn("github.com/example/mod/v2/pkg.(*Type[...]).Method[...]", "/go/pkg/mod/github.com/example/mod/v2@v2.1.0/pkg/type.go", 17)
	l1 := b.loc(ml, 0x7ffff7a10000, ln(f1, 430))
	l2 := b.loc(m, 0x555555555000, ln(f2, 220))
	l3 := b.loc(m, 0x555555556000, ln(f6, 13), ln(f3, 90)) // inlined operator==
	l4 := b.loc(m, 0x555555557000, ln(f4, 75))
	l5 := b.loc(m, 0x555555558000, ln(f5, 710))
	l6 := b.loc(ml, 0x7ffff7a20000, ln(f7, 705))
	l7 := b.loc(m, 0x555555559000, ln(f8, 9))
	l8 := b.loc(m, 0x55555555a000, ln(f9, 34))
	l9 := b.loc(m, 0x55555555b000, ln(f10, 18))
	b.sample(stk(l1, l2, l3, l4, l5, l7), 30, 300000000)
	b.sample(stk(l3, l4, l5, l7), 14, 140000000)
	b.sample(stk(l6, l2, l3, l4, l5, l7), 9, 90000000)
	b.sample(stk(l2, l4, l5, l7), 6, 60000000)
	b.sample(stk(l8, l9, l7), 4, 40000000)
	b.sample(stk(l9, l7), 2, 20000000)
	return b.p
}

// samename: functions with the same name in different files.
func samename() *profile.Profile {
	b := newBuilder("samples", "count", "cpu", "nanoseconds")
	b.p.PeriodType = &profile.ValueType{Type: "cpu", Unit: "nanoseconds"}
	b.p.Period = 10000000
	b.p.TimeNanos = t2023
	m := b.mapping(0x400000, 0x800000, 0, "/opt/edge/bin/samename", "", true)
	fMain := b.fn("main", "cmd/main.c", 1)
	fPa := b.fn("process", "alpha/process.c", 10)
	fPb := b.fn("process", "beta/process.c", 10)
	fPb2 := b.fn("process", "beta/process.c", 99) // same name+file, other start line
	fInitA := b.fn("init", "alpha/init.c", 1)
	fInitB := b.fn("init", "beta/init.c", 1)
	fHelper := b.fn("helper", "common/util.c", 5)
	lMain := b.loc(m, 0x401000, ln(fMain, 3))
	lMain2 := b.loc(m, 0x401010, ln(fMain, 4))
	lPa := b.loc(m, 0x402000, ln(fPa, 12))
	lPa2 := b.loc(m, 0x402010, ln(fPa, 15))
	lPb := b.loc(m, 0x403000, ln(fPb, 12))
	lPb2 := b.loc(m, 0x403800, ln(fPb2, 100))
	lIa := b.loc(m, 0x404000, ln(fInitA, 2))
	lIb := b.loc(m, 0x405000, ln(fInitB, 2))
	lH := b.loc(m, 0x406000, ln(fHelper, 6))
	lH2 := b.loc(m, 0x406010, ln(fHelper, 7))
	b.sample(stk(lH, lPa, lMain), 10, 100000000)
	b.sample(stk(lH2, lPb, lMain), 7, 70000000)
	b.sample(stk(lPa2, lMain), 4, 40000000)
	b.sample(stk(lPb2, lMain2), 3, 30000000)
	b.sample(stk(lH, lIa, lMain), 2, 20000000)
	b.sample(stk(lIb, lMain), 1, 10000000)
	b.sample(stk(lH2, lPb2, lMain2), 5, 50000000)
	return b.p
}

// deep: deep stacks and recursion (direct and mutual).
func deep() *profile.Profile {
	b := newBuilder("samples", "count", "cpu", "nanoseconds")
	b.p.PeriodType = &profile.ValueType{Type: "cpu", Unit: "nanoseconds"}
	b.p.Period = 10000000
	b.p.TimeNanos = t2023
	m := b.mapping(0x400000, 0x800000, 0, "/opt/edge/bin/deep", "", true)
	fMain := b.fn("main.main", "/src/deep/main.go", 1)
	fFact := b.fn("main.factorial", "/src/deep/rec.go", 10)
	fEven := b.fn("main.isEven", "/src/deep/rec.go", 20)
	fOdd := b.fn("main.isOdd", "/src/deep/rec.go", 30)
	fWalk := b.fn("main.walk", "/src/deep/tree.go", 5)
	fVisit := b.fn("main.visit", "/src/deep/tree.go", 25)
	lMain := b.loc(m, 0x401000, ln(fMain, 5))
	lFact := b.loc(m, 0x402000, ln(fFact, 12))
	lFactBase := b.loc(m, 0x402010, ln(fFact, 11))
	lEven := b.loc(m, 0x403000, ln(fEven, 22))
	lOdd := b.loc(m, 0x404000, ln(fOdd, 32))
	lVisit := b.loc(m, 0x406000, ln(fVisit, 26))
	// An inlined recursion: walk inlined into walk.
	lWalkInl := b.loc(m, 0x405010, ln(fWalk, 8), ln(fWalk, 9))

	// factorial recursion 10 deep.
	s := []*profile.Location{lFactBase}
	for i := 0; i < 10; i++ {
		s = append(s, lFact)
	}
	b.sample(append(s, lMain), 8, 80000000)
	// Mutual recursion isEven/isOdd 40 deep.
	var eo []*profile.Location
	for i := 0; i < 40; i++ {
		if i%2 == 0 {
			eo = append(eo, lOdd)
		} else {
			eo = append(eo, lEven)
		}
	}
	b.sample(append(eo, lMain), 5, 50000000)
	b.sample(append(append([]*profile.Location{}, eo[10:]...), lMain), 2, 20000000)
	// A 120-frame deep tree walk with distinct lines per depth.
	var w []*profile.Location
	w = append(w, lVisit)
	for i := 0; i < 60; i++ {
		w = append(w, b.loc(m, 0x405100+uint64(i)*16, ln(fWalk, int64(100+i))), lWalkInl)
	}
	b.sample(append(w, lMain), 11, 110000000)
	b.sample(append(append([]*profile.Location{}, w[30:]...), lMain), 3, 30000000)
	b.sample(stk(lMain), 1, 10000000)
	return b.p
}

// mappings: several symbolized mappings with build ids and directory paths,
// plus special kernel/vdso mappings.
func mappings() *profile.Profile {
	b := newBuilder("samples", "count", "cpu", "nanoseconds")
	b.p.PeriodType = &profile.ValueType{Type: "cpu", Unit: "nanoseconds"}
	b.p.Period = 250000
	b.p.TimeNanos = t2020
	b.p.DurationNanos = 1500000
	mExe := b.mapping(0x400000, 0x600000, 0, "/usr/local/bin/multi-mapped", "111122223333444455556666777788889999aaaa", true)
	mLibc := b.mapping(0x7f1000000000, 0x7f1000200000, 0x28000, "/lib/x86_64-linux-gnu/libc.so.6", "bbbbccccddddeeeeffff00001111222233334444", true)
	mLibz := b.mapping(0x7f2000000000, 0x7f2000100000, 0, "/usr/lib/x86_64-linux-gnu/libz.so.1.2.13", "", true)
	mVdso := b.mapping(0x7fff00000000, 0x7fff00002000, 0, "[vdso]", "", false)
	mKern := b.mapping(0xffffffff80000000, 0xffffffffa0000000, 0, "[kernel.kallsyms]", "", false)
	fMain := b.fn("main", "/src/multi/main.c", 1)
	fCompress := b.fn("compress_file", "/src/multi/io.c", 30)
	fDeflate := b.fn("deflate", "deflate.c", 760)
	fMemcpy := b.fn("__memcpy_avx_unaligned_erms", "../sysdeps/x86_64/multiarch/memmove-vec-unaligned-erms.S", 260)
	fWrite := b.fn("__GI___libc_write", "../sysdeps/unix/sysv/linux/write.c", 25)
	lMain := b.loc(mExe, 0x401100, ln(fMain, 8))
	lComp := b.loc(mExe, 0x401200, ln(fCompress, 40))
	lComp2 := b.loc(mExe, 0x401280, ln(fCompress, 44))
	lDefl := b.loc(mLibz, 0x7f2000004000, ln(fDeflate, 800))
	lMemcpy := b.loc(mLibc, 0x7f1000050000, ln(fMemcpy, 300))
	lWrite := b.loc(mLibc, 0x7f1000060000, ln(fWrite, 26))
	lVdso := b.loc(mVdso, 0x7fff00000a00)
	lKern := b.loc(mKern, 0xffffffff81234567)
	b.sample(stk(lMemcpy, lDefl, lComp, lMain), 3, 750000)
	b.sample(stk(lDefl, lComp, lMain), 2, 500000)
	b.sample(stk(lKern, lWrite, lComp2, lMain), 1, 250000)
	b.sample(stk(lVdso, lMain), 1, 250000)
	b.sample(stk(lWrite, lComp2, lMain), 1, 250000)
	return b.p
}

// version builds edge.v1 / edge.v2: the same program at two points in time,
// for -base / -diff_base / -normalize.
func version(v int) *profile.Profile {
	b := newBuilder("samples", "count", "cpu", "nanoseconds")
	b.p.PeriodType = &profile.ValueType{Type: "cpu", Unit: "nanoseconds"}
	b.p.Period = 10000000
	b.p.TimeNanos = t2023 + int64(v)*3600*1000000000
	b.p.DurationNanos = 30000000000
	b.p.Comments = []string{fmt.Sprintf("build v%d", v)}
	m := b.mapping(0x400000, 0x800000, 0, "/opt/edge/bin/service", fmt.Sprintf("v%dbuild", v), true)
	fMain := b.fn("main.main", "/src/svc/main.go", 1)
	fLoop := b.fn("main.eventLoop", "/src/svc/loop.go", 1)
	fParse := b.fn("main.parse", "/src/svc/parse.go", 1)
	fEncode := b.fn("main.encode", "/src/svc/encode.go", 1)
	fGC := b.fn("runtime.gcBgMarkWorker", "/usr/lib/go/src/runtime/mgc.go", 1200)
	fNew := b.fn("main.fastPath", "/src/svc/fast.go", 1)
	fOld := b.fn("main.slowPath", "/src/svc/slow.go", 1)
	lMain := b.loc(m, 0x401000, ln(fMain, 3))
	lLoop := b.loc(m, 0x402000, ln(fLoop, 10))
	lParse := b.loc(m, 0x403000, ln(fParse, 20))
	lEncode := b.loc(m, 0x404000, ln(fEncode, 30))
	lGC := b.loc(m, 0x405000, ln(fGC, 1250))
	lNew := b.loc(m, 0x406000, ln(fNew, 5))
	lOld := b.loc(m, 0x407000, ln(fOld, 5))
	lab := func(s *profile.Sample, kind string) { withLabels(s, "kind", kind) }
	if v == 1 {
		lab(b.sample(stk(lParse, lLoop, lMain), 100, 1000000000), "parse")
		lab(b.sample(stk(lEncode, lLoop, lMain), 50, 500000000), "encode")
		b.sample(stk(lGC), 30, 300000000)
		lab(b.sample(stk(lOld, lLoop, lMain), 40, 400000000), "slow")
		withNum(b.sample(stk(lLoop, lMain), 10, 100000000), "bytes", 4096, "bytes")
	} else {
		lab(b.sample(stk(lParse, lLoop, lMain), 100, 1000000000), "parse")          // unchanged
		lab(b.sample(stk(lEncode, lLoop, lMain), 80, 800000000), "encode")          // grew
		b.sample(stk(lGC), 10, 100000000)                                           // shrank
		lab(b.sample(stk(lNew, lLoop, lMain), 15, 150000000), "fast")               // new
		withNum(b.sample(stk(lLoop, lMain), 12, 120000000), "bytes", 8192, "bytes") // 12 != 10: a ±equal tag tie sorts nondeterministically in pprof
	}
	return b.p
}

// units: value types with less common units, for unit conversion and
// merging of profiles whose units differ.
func units(variant string) *profile.Profile {
	var b *builder
	if variant == "a" {
		b = newBuilder("space", "kilobytes", "time", "milliseconds")
	} else {
		b = newBuilder("space", "bytes", "time", "nanoseconds")
	}
	b.p.TimeNanos = t2023
	m := b.mapping(0x400000, 0x800000, 0, "/opt/edge/bin/units", "", true)
	fMain := b.fn("main", "main.c", 1)
	fBig := b.fn("big_consumer", "big.c", 1)
	fSmall := b.fn("small_consumer", "small.c", 1)
	lMain := b.loc(m, 0x401000, ln(fMain, 2))
	lBig := b.loc(m, 0x402000, ln(fBig, 2))
	lSmall := b.loc(m, 0x403000, ln(fSmall, 2))
	if variant == "a" {
		b.sample(stk(lBig, lMain), 5*1024*1024, 90*60*1000) // 5 GiB, 90 minutes
		b.sample(stk(lSmall, lMain), 3, 7)                  // 3 kB, 7 ms
		b.sample(stk(lMain), 1, 1)
	} else {
		b.sample(stk(lBig, lMain), 1536, 1500)     // 1.5 kB, 1.5 us
		b.sample(stk(lSmall, lMain), 1, 1)         // 1 byte, 1 ns
		b.sample(stk(lMain), 1<<40, 3600000000000) // 1 TiB, 1 hour
	}
	return b.p
}

// ---------------------------------------------------------------------------

// addDocURL appends a string table entry and the doc_url field (15, a
// string-table index; newer profile.proto) to an uncompressed profile.
func addDocURL(raw []byte, url string) []byte {
	// Count the existing string_table (field 6) entries.
	n := 0
	for i := 0; i < len(raw); {
		key, k := uvarint(raw[i:])
		i += k
		field, wire := key>>3, key&7
		switch wire {
		case 0:
			_, k = uvarint(raw[i:])
			i += k
		case 2:
			l, k := uvarint(raw[i:])
			i += k + int(l)
		case 1:
			i += 8
		case 5:
			i += 4
		default:
			panic("unexpected wire type")
		}
		if field == 6 {
			n++
		}
	}
	out := append([]byte{}, raw...)
	out = append(out, 6<<3|2)
	out = appendUvarint(out, uint64(len(url)))
	out = append(out, url...)
	out = append(out, 15<<3|0)
	out = appendUvarint(out, uint64(n))
	return out
}

func uvarint(b []byte) (uint64, int) {
	var x uint64
	for i, c := range b {
		x |= uint64(c&0x7f) << (7 * uint(i))
		if c < 0x80 {
			return x, i + 1
		}
	}
	panic("bad varint")
}

func appendUvarint(b []byte, x uint64) []byte {
	for x >= 0x80 {
		b = append(b, byte(x)|0x80)
		x >>= 7
	}
	return append(b, byte(x))
}

func write(dir, name string, p *profile.Profile, docURL string) {
	if err := p.CheckValid(); err != nil {
		panic(fmt.Sprintf("%s: %v", name, err))
	}
	var raw bytes.Buffer
	if err := p.WriteUncompressed(&raw); err != nil {
		panic(err)
	}
	data := raw.Bytes()
	if docURL != "" {
		data = addDocURL(data, docURL)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz) // no name/mtime in the header: deterministic
	if _, err := zw.Write(data); err != nil {
		panic(err)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	// Sanity check: the result must parse.
	if _, err := profile.Parse(bytes.NewReader(gz.Bytes())); err != nil {
		panic(fmt.Sprintf("%s: reparse: %v", name, err))
	}
	if err := os.WriteFile(filepath.Join(dir, name), gz.Bytes(), 0o644); err != nil {
		panic(err)
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: edge OUTDIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	write(dir, "edge.inline.pb.gz", inline(), "")
	write(dir, "edge.addronly.pb.gz", addronly(), "")
	write(dir, "edge.nomapping.pb.gz", nomapping(), "")
	write(dir, "edge.numlabels.pb.gz", numlabels(), "")
	write(dir, "edge.strlabels.pb.gz", strlabels(), "")
	write(dir, "edge.diff.pb.gz", diff(), "")
	write(dir, "edge.empty.pb.gz", empty(), "")
	write(dir, "edge.multitype.pb.gz", multitype(), "")
	write(dir, "edge.meta.pb.gz", meta(), "https://example.com/docs/profiles#meta")
	write(dir, "edge.cpp.pb.gz", cpp(), "")
	write(dir, "edge.samename.pb.gz", samename(), "")
	write(dir, "edge.deep.pb.gz", deep(), "")
	write(dir, "edge.mappings.pb.gz", mappings(), "")
	write(dir, "edge.v1.pb.gz", version(1), "")
	write(dir, "edge.v2.pb.gz", version(2), "")
	write(dir, "edge.unitsA.pb.gz", units("a"), "")
	write(dir, "edge.unitsB.pb.gz", units("b"), "")
}
