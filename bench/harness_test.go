package main

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func secs(xs ...float64) []time.Duration {
	var out []time.Duration
	for _, x := range xs {
		out = append(out, time.Duration(x*float64(time.Second)))
	}
	return out
}

func TestMedian(t *testing.T) {
	cases := []struct {
		in   []time.Duration
		want time.Duration
	}{
		{nil, 0},
		{secs(3), secs(3)[0]},
		{secs(5, 1, 3), secs(3)[0]},
		{secs(4, 1, 3, 2), secs(2.5)[0]},
		{secs(9, 1, 8, 2, 7), secs(7)[0]},
	}
	for _, c := range cases {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	in := secs(3, 1, 2)
	median(in)
	if in[0] != secs(3)[0] {
		t.Errorf("median reordered its input: %v", in)
	}
}

func TestGeoMean(t *testing.T) {
	if g := geoMean([]float64{1, 4}); math.Abs(g-2) > 1e-12 {
		t.Errorf("geoMean(1,4) = %v, want 2", g)
	}
	if g := geoMean([]float64{0.5, 2, 8}); math.Abs(g-2) > 1e-12 {
		t.Errorf("geoMean(0.5,2,8) = %v, want 2", g)
	}
	if g := geoMean([]float64{3, 0, -1, math.NaN()}); math.Abs(g-3) > 1e-12 {
		t.Errorf("geoMean ignoring non-positive = %v, want 3", g)
	}
	if g := geoMean(nil); g != 0 {
		t.Errorf("geoMean(nil) = %v, want 0", g)
	}
}

func TestNormalizeOutput(t *testing.T) {
	got := normalizeOutput("a  \r\nb\t\n\n\n")
	if got != "a\nb" {
		t.Errorf("normalizeOutput = %q, want %q", got, "a\nb")
	}
}

func okCell(out string, wall ...float64) *Cell {
	return &Cell{Status: StatusOK, Output: out, Times: secs(wall...), CPU: secs(wall...)}
}

func TestCompareOutputsAgainstBaseline(t *testing.T) {
	cells := map[string]*Cell{
		"lunar":      okCell("fib(36) = 1", 1),
		"lua5.4":     okCell("fib(36) = 14930352", 1),
		"luajit":     okCell("fib(36) = 14930352", 1),
		"gopher-lua": {Status: StatusFailed, Err: "boom"},
		"starlark":   {Status: StatusNA},
	}
	order := []string{"lunar", "lua5.4", "luajit", "gopher-lua", "starlark"}
	src := compareOutputs(cells, order, "", "lua5.4")
	if src != "lua5.4" {
		t.Errorf("reference source = %q, want lua5.4", src)
	}
	if cells["lunar"].Status != StatusMismatch {
		t.Errorf("lunar status = %v, want mismatch", cells["lunar"].Status)
	}
	if !strings.Contains(cells["lunar"].Err, "line 1") || !strings.Contains(cells["lunar"].Err, "14930352") {
		t.Errorf("mismatch message %q does not say where and what", cells["lunar"].Err)
	}
	if cells["luajit"].Status != StatusOK {
		t.Errorf("luajit status = %v, want ok", cells["luajit"].Status)
	}
	if cells["gopher-lua"].Status != StatusFailed || cells["starlark"].Status != StatusNA {
		t.Errorf("failed and n/a cells were changed")
	}
}

func TestCompareOutputsAgainstExpectedAndFallback(t *testing.T) {
	cells := map[string]*Cell{
		"lua5.4": okCell("x = 2", 1),
		"luajit": okCell("x = 1", 1),
	}
	src := compareOutputs(cells, []string{"lua5.4", "luajit"}, "x = 1\n", "lua5.4")
	if src != "stored expected output" {
		t.Errorf("reference source = %q", src)
	}
	if cells["lua5.4"].Status != StatusMismatch || cells["luajit"].Status != StatusOK {
		t.Errorf("statuses against the expected file: lua5.4 %v, luajit %v", cells["lua5.4"].Status, cells["luajit"].Status)
	}

	// No baseline: the first engine that succeeded is the reference.
	cells = map[string]*Cell{
		"lunar":      {Status: StatusFailed},
		"luajit":     okCell("a\nb", 1),
		"gopher-lua": okCell("a\nc", 1),
	}
	src = compareOutputs(cells, []string{"lunar", "luajit", "gopher-lua"}, "", "lua5.4")
	if src != "luajit" || cells["gopher-lua"].Status != StatusMismatch {
		t.Errorf("fallback reference: source %q, gopher-lua %v", src, cells["gopher-lua"].Status)
	}
	if !strings.Contains(cells["gopher-lua"].Err, "line 2") {
		t.Errorf("mismatch message %q should point at line 2", cells["gopher-lua"].Err)
	}

	if src := compareOutputs(map[string]*Cell{"x": {Status: StatusFailed}}, []string{"x"}, "", "lua5.4"); !strings.HasPrefix(src, "none") {
		t.Errorf("no successful engine: source %q", src)
	}
}

// fakeResults builds a Results with three engines, one of them skipped,
// and a mixture of outcomes.
func fakeResults() *Results {
	r := &Results{
		Date:     time.Date(2025, 1, 2, 3, 4, 0, 0, time.UTC),
		Machine:  MachineInfo{CPU: "Test CPU", Cores: 2, GoVersion: "go1.26", OSArch: "linux/amd64"},
		Baseline: "lua5.4",
		Rounds:   3,
		Engines: []*Engine{
			{Name: "lunar", Dialect: Lua54, Skip: "build failed: nope"},
			{Name: "lua5.4", Dialect: Lua54, Version: "Lua 5.4.4", VM: "register"},
			{Name: "luajit", label: "luajit -joff", Dialect: Lua51, Version: "LuaJIT 2.1", VM: "register"},
			{Name: "starlark", Dialect: Starlark, Version: "starlark-go", VM: "stack", inproc: func(context.Context, string, int) (string, error) { return "", nil }},
		},
		Programs: []Program{{Name: "fib", Size: 36}, {Name: "loop", Size: 10}, {Name: "json", Size: 8}},
		Sizes:    map[string]int{"fib": 36, "loop": 10, "json": 8},
		Cells: map[string]map[string]*Cell{
			"fib": {
				"lua5.4":   okCell("f", 1, 2, 3),
				"luajit":   okCell("f", 0.5, 0.5, 0.5),
				"starlark": okCell("f", 8, 8, 8),
			},
			"loop": {
				"lua5.4":   okCell("l", 1),
				"luajit":   okCell("l", 2),
				"starlark": {Status: StatusMismatch, Err: "line 1 differs"},
			},
			"json": {
				"lua5.4":   okCell("j", 1),
				"luajit":   {Status: StatusFailed, Err: "error: bad | pipe"},
				"starlark": {Status: StatusNA},
			},
		},
		RefSource: map[string]string{"fib": "lua5.4", "loop": "lua5.4", "json": "lua5.4"},
		RegStack: &RegStack{
			N: 10,
			Rows: []RegStackRow{
				{Engine: "lua5.4", VM: "register", Time: secs(1)[0], Startup: secs(0.5)[0], NsPerIter: 5e7,
					CPUTime: secs(0.8)[0], StartupCPU: secs(0.4)[0], NsPerIterCPU: 4e7, Instr: math.NaN()},
				{Engine: "starlark", VM: "stack", Instr: 42, InstrHow: "callgrind N=10", NsPerIter: math.NaN(), NsPerIterCPU: math.NaN(), Err: "loop did not run cleanly"},
			},
			Notes: []string{"perf is unavailable"},
		},
	}
	return r
}

func TestRatiosAndGeoMean(t *testing.T) {
	r := fakeResults()
	if x, ok := r.Ratio("fib", "luajit"); !ok || math.Abs(x-0.25) > 1e-9 {
		t.Errorf("Ratio(fib, luajit) = %v %v, want 0.25", x, ok)
	}
	if _, ok := r.Ratio("json", "luajit"); ok {
		t.Errorf("a failed cell has no ratio")
	}
	g, n := r.GeoMean("luajit")
	if n != 2 || math.Abs(g-math.Sqrt(0.25*2)) > 1e-9 {
		t.Errorf("GeoMean(luajit) = %v over %d, want %v over 2", g, n, math.Sqrt(0.5))
	}
	if g, n := r.GeoMean("lua5.4"); n != 3 || g != 1 {
		t.Errorf("GeoMean(baseline) = %v over %d, want 1 over 3", g, n)
	}
	fails := r.Failures()
	if len(fails) != 2 || !strings.Contains(fails[0], "loop on starlark") || !strings.Contains(fails[1], "json on luajit") {
		t.Errorf("Failures() = %q", fails)
	}
}

func TestWriteMarkdown(t *testing.T) {
	var b strings.Builder
	if err := writeMarkdown(&b, fakeResults(), "go run ."); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"# Lunar benchmark results",
		"Test CPU, 2 logical CPUs",
		"| lunar | — | NAME.lua (Lua 5.4) | skipped: build failed: nope |",
		"| program | size | lua5.4 | luajit -joff | starlark |",
		"| fib | 36 | 2.000 | 0.500 | 8.000 |",
		"| loop | 10 | 1.000 | 2.000 | MISMATCH |",
		"| json | 8 | 1.000 | FAIL | n/a |",
		"| fib | 1.00 | 0.25 | 4.00 |",
		"| **geometric mean** | **1.00** (3) | **0.71** (2) | **4.00** (1) |",
		"## Median CPU time, user+sys (seconds)",
		"## Register vs stack: loop (N = 10)",
		"| lua5.4 | register | 1.000 | 0.500 | 50000000.00 | 0.800 | 0.400 | 40000000.00 | n/a |",
		"| starlark | stack | — | — | — | — | — | — | 42.0 (callgrind N=10) — loop did not run cleanly |",
		"| **geometric mean of CPU-time ratios** | | **1.00** (3) | **0.71** (2) | **4.00** (1) |",
		"42.0 (callgrind N=10) — loop did not run cleanly",
		`json on luajit: failed: error: bad \| pipe`,
		"- perf is unavailable",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q\n%s", want, md)
		}
	}
	// every table row has the same number of cells as its header
	var cols int
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			cols = 0
			continue
		}
		n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|")
		if cols == 0 {
			cols = n
		} else if n != cols {
			t.Errorf("row %q has %d separators, header has %d", line, n, cols)
		}
	}
}

func TestCPUMetric(t *testing.T) {
	r := fakeResults()
	r.Cells["fib"]["luajit"].CPU = secs(2, 2, 2) // CPU ratio 1.0, wall 0.25
	r.MetricName = "cpu"
	if x, ok := r.Ratio("fib", "luajit"); !ok || x != 1 {
		t.Errorf("CPU ratio = %v, want 1", x)
	}
	var b strings.Builder
	if err := writeMarkdown(&b, r, ""); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "## Ratio to lua5.4, median CPU time (lower is faster)") {
		t.Errorf("heading does not name the CPU metric")
	}
}

func TestWriteMarkdownWithoutBaseline(t *testing.T) {
	r := fakeResults()
	r.Engines[1].Skip = "lua5.4 not found on PATH"
	var b strings.Builder
	if err := writeMarkdown(&b, r, ""); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "No ratios: lua5.4 did not run.") {
		t.Errorf("missing no-baseline note:\n%s", b.String())
	}
}

// checkXML fails the test unless s is well-formed XML with an svg root.
func checkXML(t *testing.T, s string) (rects int) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	root := ""
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed: %v\n%s", err, s)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if root == "" {
				root = se.Name.Local
			}
			if se.Name.Local == "rect" {
				rects++
			}
		}
	}
	if root != "svg" {
		t.Fatalf("root element is %q, want svg", root)
	}
	return rects
}

func TestWriteSVG(t *testing.T) {
	r := fakeResults()
	r.Engines[2].label = "luajit <-joff> & co" // must be escaped
	var b strings.Builder
	if err := writeSVG(&b, r); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	rects := checkXML(t, s)
	// background + 2 legend swatches + bars: luajit fib, loop, geomean;
	// starlark fib, geomean
	if rects != 1+2+5 {
		t.Errorf("SVG has %d rects, want 8\n%s", rects, s)
	}
	for _, want := range []string{"geometric mean", "MISMATCH", "FAIL", "1× = lua5.4", "luajit &lt;-joff&gt; &amp; co"} {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
}

func TestWriteSVGWithoutBaseline(t *testing.T) {
	r := fakeResults()
	r.Engines[1].Skip = "missing"
	var b strings.Builder
	if err := writeSVG(&b, r); err != nil {
		t.Fatal(err)
	}
	checkXML(t, b.String())
	if !strings.Contains(b.String(), "did not run") {
		t.Errorf("SVG should say the baseline did not run")
	}
}

func TestWriteReports(t *testing.T) {
	dir := t.TempDir()
	if err := writeReports(filepath.Join(dir, "results"), fakeResults(), "go run ."); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"latest.md", "latest.svg"} {
		st, err := os.Stat(filepath.Join(dir, "results", f))
		if err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
}

func TestParsePerfCSV(t *testing.T) {
	if x, err := parsePerfCSV("123456,,instructions:u,1000,100.00,,\n"); err != nil || x != 123456 {
		t.Errorf("parsePerfCSV = %v, %v", x, err)
	}
	_, err := parsePerfCSV("<not supported>,,instructions,0,100.00,,\n")
	if err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("unsupported counter gave %v", err)
	}
	if _, err := parsePerfCSV("nothing here"); err == nil {
		t.Errorf("missing line gave no error")
	}
}

func TestParseCallgrind(t *testing.T) {
	out := "==1== Callgrind\n==14386== Collected : 5400633\n==14386==\n==14386== I   refs:      5,400,633\n"
	if x, err := parseCallgrind(out); err != nil || x != 5400633 {
		t.Errorf("parseCallgrind = %v, %v", x, err)
	}
	if _, err := parseCallgrind("crashed"); err == nil {
		t.Errorf("no count gave no error")
	}
}

func TestParseMachineFiles(t *testing.T) {
	cpu := "processor\t: 0\nmodel name\t: AMD  EPYC 7B13\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n"
	model, n := parseCPUInfo(strings.NewReader(cpu))
	if model != "AMD EPYC 7B13" || n != 2 {
		t.Errorf("parseCPUInfo = %q, %d", model, n)
	}
	if g := parseMemTotal(strings.NewReader("MemFree: 1 kB\nMemTotal:       25165824 kB\n")); g != 24 {
		t.Errorf("parseMemTotal = %v, want 24", g)
	}
}

func TestCleanVersion(t *testing.T) {
	cases := map[string]string{
		"Lua 5.4.4  Copyright (C) 1994-2022 Lua.org, PUC-Rio\n":                        "Lua 5.4.4",
		"LuaJIT 2.1.0-beta3 -- Copyright (C) 2005-2022 Mike Pall. https://luajit.org/": "LuaJIT 2.1.0-beta3",
		"\nlunar 0.1\nmore\n": "lunar 0.1",
	}
	for in, want := range cases {
		if got := cleanVersion(in); got != want {
			t.Errorf("cleanVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFirstError(t *testing.T) {
	out := "# github.com/lunar-lua/lunar/stdlib\nstdlib/stdlib.go:8:2: undefined: OpenString\n"
	if got := firstError(out); got != "stdlib/stdlib.go:8:2: undefined: OpenString" {
		t.Errorf("firstError = %q", got)
	}
}

func TestProgramFiles(t *testing.T) {
	dir := "programs"
	for _, p := range programs {
		if programFile(dir, p.Name, Lua54) == "" {
			t.Errorf("%s: no %s.lua", p.Name, p.Name)
		}
		if p.QuickSize <= 0 || p.QuickSize >= p.Size {
			t.Errorf("%s: quick size %d should be positive and below %d", p.Name, p.QuickSize, p.Size)
		}
	}
	if f := programFile(dir, "mandelbrot", Lua51); filepath.Base(f) != "mandelbrot_51.lua" {
		t.Errorf("5.1 file for mandelbrot = %q", f)
	}
	if f := programFile(dir, "fib", Lua51); filepath.Base(f) != "fib.lua" {
		t.Errorf("5.1 file for fib = %q", f)
	}
	if f := programFile(dir, "loop", Starlark); filepath.Base(f) != "loop.star" {
		t.Errorf("starlark file for loop = %q", f)
	}
	if f := programFile(dir, "nbody", Starlark); f != "" {
		t.Errorf("starlark has no nbody, got %q", f)
	}
}

// TestProgramDefaults keeps each program's built-in default size equal to
// the harness's full size, so that running a file by hand measures the
// same thing.
func TestProgramDefaults(t *testing.T) {
	re := regexp.MustCompile(`tonumber\(arg and arg\[1\]\) or (\d+)`)
	for _, p := range programs {
		for _, d := range []Dialect{Lua54, Lua51} {
			f := programFile("programs", p.Name, d)
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m := re.FindSubmatch(src)
			if m == nil {
				t.Errorf("%s: no `tonumber(arg and arg[1]) or N` default", f)
				continue
			}
			if n, _ := strconv.Atoi(string(m[1])); n != p.Size {
				t.Errorf("%s: default %d, harness size %d", f, n, p.Size)
			}
		}
	}
}

func TestSelectProgramsAndEngines(t *testing.T) {
	ps, unknown := selectPrograms([]string{"loop", "fib", "nope"})
	if len(ps) != 2 || ps[0].Name != "fib" || ps[1].Name != "loop" || len(unknown) != 1 || unknown[0] != "nope" {
		t.Errorf("selectPrograms = %v, %v", ps, unknown)
	}
	if ps, _ := selectPrograms(nil); len(ps) != len(programs) {
		t.Errorf("selectPrograms(nil) = %d programs", len(ps))
	}
	want, err := engineFilter("lunar, luajit -joff")
	if err != nil || !want["lunar"] || !want["luajit"] || len(want) != 2 {
		t.Errorf("engineFilter = %v, %v", want, err)
	}
	if _, err := engineFilter("lua5.3"); err == nil {
		t.Errorf("unknown engine accepted")
	}
	if want, err := engineFilter(""); want != nil || err != nil {
		t.Errorf("empty filter = %v, %v", want, err)
	}
}

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"-quick", "-rounds", "7"})
	if err != nil || o.rounds != 1 || !o.quick {
		t.Errorf("-quick: rounds %d, err %v", o.rounds, err)
	}
	if _, err := parseFlags([]string{"-rounds", "0"}); err == nil {
		t.Errorf("-rounds 0 accepted")
	}
	if _, err := parseFlags([]string{"-metric", "joules"}); err == nil {
		t.Errorf("-metric joules accepted")
	}
	if _, err := parseFlags([]string{"stray"}); err == nil {
		t.Errorf("stray argument accepted")
	}
}

// TestRunProgramRounds drives runProgram with fake in-process engines to
// check interleaving, round-to-round consistency and failure handling.
func TestRunProgramRounds(t *testing.T) {
	var calls []string
	fake := func(name string, outs ...string) *Engine {
		n := 0
		return &Engine{Name: name, Dialect: Lua54, inproc: func(_ context.Context, _ string, size int) (string, error) {
			calls = append(calls, name)
			out := outs[n%len(outs)]
			n++
			if out == "ERR" {
				return "", errors.New("exploded")
			}
			return out, nil
		}}
	}
	engines := []*Engine{
		fake("steady", "ok\n"),
		fake("flaky", "ok", "different"),
		fake("broken", "ERR"),
		{Name: "star", Dialect: Starlark, inproc: func(context.Context, string, int) (string, error) { return "", nil }},
	}
	o := &options{rounds: 3, timeout: time.Minute}
	cells := runProgram(Program{Name: "json"}, 1, engines, "programs", o)
	if got := strings.Join(calls, " "); got != "steady flaky broken steady flaky steady" {
		t.Errorf("run order = %q", got)
	}
	if c := cells["steady"]; !c.OK() || len(c.Times) != 3 || c.Output != "ok" {
		t.Errorf("steady: %+v", c)
	}
	if c := cells["flaky"]; c.Status != StatusMismatch || !strings.Contains(c.Err, "round 2") {
		t.Errorf("flaky: %+v", c)
	}
	if c := cells["broken"]; c.Status != StatusFailed || c.Err != "exploded" {
		t.Errorf("broken: %+v", c)
	}
	if c := cells["star"]; c.Status != StatusNA {
		t.Errorf("star: %+v", c)
	}
}
