// Command bench is Lunar's benchmark harness. It runs the Lua programs in
// programs/ on every available engine (lunar, lua5.4, luajit -joff,
// gopher-lua in-process, golua when present, and starlark-go for the
// Starlark twins of loop and fib), interleaving the engines round by
// round, checks that every engine printed the same checksum, and writes
// results/latest.md and results/latest.svg with median times, ratios to
// lua5.4, geometric means and a register-vs-stack table for loop.
//
// Usage, from the bench directory (it is its own module):
//
//	go run .                         # full run, 5 rounds
//	go run . -quick                  # small sizes, 1 round, checksums only
//	go run . -engines lunar,lua5.4 -programs fib,loop
//	go run . -callgrind              # also count instructions with valgrind
//
// The exit status is 1 when any engine failed or printed a different
// checksum, and 2 on a usage or setup error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// options holds the parsed command line.
type options struct {
	rounds        int
	quick         bool
	engines       string
	programs      string
	timeout       time.Duration
	dir           string
	out           string
	lunar         string
	callgrind     bool
	callgrindN    int
	writeExpected bool
	metric        string

	inproc     string
	inprocFile string
	inprocSize int
}

// parseFlags parses args (without the program name) into options.
func parseFlags(args []string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.IntVar(&o.rounds, "rounds", 5, "interleaved rounds per program; the median is reported")
	fs.BoolVar(&o.quick, "quick", false, "small sizes and one round; only check that all engines print the same checksums (for CI); writes no report")
	fs.StringVar(&o.engines, "engines", "", "comma-separated engines to run (default all): "+strings.Join(engineOrder, ","))
	fs.StringVar(&o.programs, "programs", "", "comma-separated programs to run (default all)")
	fs.DurationVar(&o.timeout, "timeout", 2*time.Minute, "limit for a single run")
	fs.StringVar(&o.dir, "dir", "", "the bench directory (default: . or ./bench, whichever has programs/)")
	fs.StringVar(&o.out, "out", "", "directory for latest.md and latest.svg (default <bench>/results)")
	fs.StringVar(&o.lunar, "lunar", "", "use this lunar binary instead of building ./cmd/lunar")
	fs.BoolVar(&o.callgrind, "callgrind", false, "count instructions per loop iteration under valgrind --tool=callgrind (slow)")
	fs.IntVar(&o.callgrindN, "callgrind-n", 1000000, "loop iterations for the -callgrind count")
	fs.StringVar(&o.metric, "metric", "wall", "what ratios, geometric means and the chart use: wall (median wall time) or cpu (median user+sys time, steadier on a busy machine)")
	fs.BoolVar(&o.writeExpected, "write-expected", false, "store lua5.4's outputs as programs/expected/NAME.SIZE.txt")
	fs.StringVar(&o.inproc, "inproc", "", "internal: run one program once with this in-process engine")
	fs.StringVar(&o.inprocFile, "inproc-file", "", "internal: program file for -inproc")
	fs.IntVar(&o.inprocSize, "inproc-size", 0, "internal: size for -inproc")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if o.quick {
		o.rounds = 1
	}
	if o.metric != "wall" && o.metric != "cpu" {
		return nil, fmt.Errorf("-metric must be wall or cpu")
	}
	if o.rounds < 1 {
		return nil, fmt.Errorf("-rounds must be at least 1")
	}
	return o, nil
}

// main parses the flags and runs the harness or, in the hidden -inproc
// mode, a single in-process run.
func main() {
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "bench:", err)
		}
		os.Exit(2)
	}
	if o.inproc != "" {
		os.Exit(runInprocOnce(o.inproc, o.inprocFile, o.inprocSize))
	}
	os.Exit(run(o))
}

// splitList splits a comma-separated flag value, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// findBenchDir returns the bench directory: dir if given, else the
// current directory or its bench/ subdirectory, whichever holds programs/.
func findBenchDir(dir string) (string, error) {
	var candidates []string
	if dir != "" {
		candidates = []string{dir}
	} else {
		candidates = []string{".", "bench"}
	}
	for _, c := range candidates {
		if st, err := os.Stat(filepath.Join(c, "programs", "fib.lua")); err == nil && st.Mode().IsRegular() {
			return filepath.Abs(c)
		}
	}
	return "", fmt.Errorf("cannot find programs/fib.lua under %s; run from the bench directory or pass -dir", strings.Join(candidates, " or "))
}

// engineFilter turns the -engines value into a set; nil means all.
// "luajit -joff" is accepted for luajit.
func engineFilter(s string) (map[string]bool, error) {
	names := splitList(s)
	if len(names) == 0 {
		return nil, nil
	}
	known := map[string]bool{}
	for _, n := range engineOrder {
		known[n] = true
	}
	want := map[string]bool{}
	for _, n := range names {
		n = strings.Fields(n)[0]
		if !known[n] {
			return nil, fmt.Errorf("unknown engine %q (known: %s)", n, strings.Join(engineOrder, ", "))
		}
		want[n] = true
	}
	return want, nil
}

// run is the harness proper; it returns the exit status.
func run(o *options) int {
	benchDir, err := findBenchDir(o.dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 2
	}
	progDir := filepath.Join(benchDir, "programs")
	want, err := engineFilter(o.engines)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 2
	}
	progs, unknown := selectPrograms(splitList(o.programs))
	if len(unknown) > 0 {
		fmt.Fprintf(os.Stderr, "bench: unknown programs: %s\n", strings.Join(unknown, ", "))
		return 2
	}
	tmpDir, err := os.MkdirTemp("", "lunar-bench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 2
	}
	defer os.RemoveAll(tmpDir)

	res := &Results{
		Date:       time.Now(),
		Machine:    machineInfo(),
		Programs:   progs,
		Sizes:      map[string]int{},
		Cells:      map[string]map[string]*Cell{},
		RefSource:  map[string]string{},
		Baseline:   "lua5.4",
		Rounds:     o.rounds,
		MetricName: o.metric,
		Quick:      o.quick,
		LoadBefore: loadAverage(),
	}
	fmt.Println("bench: machine:", res.Machine)
	res.Engines = discoverEngines(engineConfig{
		rootDir:  filepath.Dir(benchDir),
		tmpDir:   tmpDir,
		lunarBin: o.lunar,
	}, want)
	for _, e := range res.Engines {
		if e.Available() {
			fmt.Printf("bench: engine %-13s %s\n", e.Label(), e.Version)
		} else {
			fmt.Printf("bench: engine %-13s skipped: %s\n", e.Label(), e.Skip)
		}
	}
	engines := res.Available()
	if len(engines) == 0 {
		fmt.Fprintln(os.Stderr, "bench: no engine is available")
		return 2
	}

	for _, p := range progs {
		size := p.Size
		if o.quick {
			size = p.QuickSize
		}
		res.Sizes[p.Name] = size
		res.Cells[p.Name] = runProgram(p, size, engines, progDir, o)
		expected := ""
		if !o.writeExpected {
			expected = readExpected(progDir, p.Name, size)
		}
		var order []string
		for _, e := range engines {
			order = append(order, e.Name)
		}
		res.RefSource[p.Name] = compareOutputs(res.Cells[p.Name], order, expected, res.Baseline)
		if o.writeExpected {
			if c := res.Cell(p.Name, res.Baseline); c.OK() {
				if err := writeExpected(progDir, p.Name, size, c.Output); err != nil {
					fmt.Fprintln(os.Stderr, "bench:", err)
				}
			}
		}
		printProgramLine(p.Name, size, engines, res)
	}

	if !o.quick && res.Sizes["loop"] > 0 {
		fmt.Println("bench: register-vs-stack measurements for loop")
		res.RegStack = measureRegStack(res, progDir, regStackConfig{
			rounds:     o.rounds,
			timeout:    o.timeout,
			callgrind:  o.callgrind,
			callgrindN: o.callgrindN,
			tmpDir:     tmpDir,
		})
	}

	res.LoadAfter = loadAverage()
	fmt.Println()
	writeSummary(os.Stdout, res)
	fails := res.Failures()
	for _, f := range fails {
		fmt.Println("FAIL:", f)
	}

	if !o.quick {
		outDir := o.out
		if outDir == "" {
			outDir = filepath.Join(benchDir, "results")
		}
		if err := writeReports(outDir, res, commandLine()); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			return 2
		}
		fmt.Printf("bench: wrote %s and %s\n", filepath.Join(outDir, "latest.md"), filepath.Join(outDir, "latest.svg"))
	}
	if len(fails) > 0 {
		fmt.Printf("bench: %d failure(s)\n", len(fails))
		return 1
	}
	fmt.Println("bench: all engines agree on every checksum")
	return 0
}

// runProgram runs one program on every engine for the configured rounds,
// interleaving the engines (A B C A B C ...). An engine that fails is not
// run again on this program. Outputs are checked for consistency across
// rounds here and across engines by the caller.
func runProgram(p Program, size int, engines []*Engine, progDir string, o *options) map[string]*Cell {
	cells := map[string]*Cell{}
	files := map[string]string{}
	for _, e := range engines {
		f := programFile(progDir, p.Name, e.Dialect)
		if f == "" {
			cells[e.Name] = &Cell{Status: StatusNA}
			continue
		}
		files[e.Name] = f
		cells[e.Name] = &Cell{Status: StatusOK}
	}
	for r := 0; r < o.rounds; r++ {
		for _, e := range engines {
			c := cells[e.Name]
			if c.Status != StatusOK {
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
			out, t, err := e.Run(ctx, files[e.Name], size)
			cancel()
			out = normalizeOutput(out)
			switch {
			case err != nil:
				c.Status, c.Err = StatusFailed, err.Error()
			case r > 0 && out != c.Output:
				c.Status = StatusMismatch
				c.Err = fmt.Sprintf("round %d: %s", r+1, describeDiff(out, c.Output, "round 1"))
			default:
				c.Output = out
				c.Times = append(c.Times, t.Wall)
				c.CPU = append(c.CPU, t.CPU)
			}
		}
	}
	return cells
}

// printProgramLine reports one finished program on the terminal.
func printProgramLine(name string, size int, engines []*Engine, res *Results) {
	var parts []string
	for _, e := range engines {
		c := res.Cell(name, e.Name)
		s := cellText(c)
		if c.OK() {
			s = formatSeconds(c.Median()) + "s"
		}
		parts = append(parts, e.Label()+" "+s)
	}
	fmt.Printf("bench: %-13s %-9d %s\n", name, size, strings.Join(parts, ", "))
}

// expectedPath is where the stored output of a program at a size lives.
func expectedPath(progDir, name string, size int) string {
	return filepath.Join(progDir, "expected", fmt.Sprintf("%s.%d.txt", name, size))
}

// readExpected returns the stored expected output, or "" if there is none.
func readExpected(progDir, name string, size int) string {
	b, err := os.ReadFile(expectedPath(progDir, name, size))
	if err != nil {
		return ""
	}
	return string(b)
}

// writeExpected stores out as the expected output of a program at a size.
func writeExpected(progDir, name string, size int, out string) error {
	p := expectedPath(progDir, name, size)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(out+"\n"), 0o644)
}

// writeReports writes latest.md and latest.svg into dir.
func writeReports(dir string, r *Results, command string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	md, err := os.Create(filepath.Join(dir, "latest.md"))
	if err != nil {
		return err
	}
	if err := writeMarkdown(md, r, command); err != nil {
		md.Close()
		return err
	}
	if err := md.Close(); err != nil {
		return err
	}
	svg, err := os.Create(filepath.Join(dir, "latest.svg"))
	if err != nil {
		return err
	}
	if err := writeSVG(svg, r); err != nil {
		svg.Close()
		return err
	}
	return svg.Close()
}

// commandLine reconstructs how the harness was invoked, for the report.
func commandLine() string {
	args := append([]string{"go", "run", "."}, os.Args[1:]...)
	return strings.Join(args, " ")
}
