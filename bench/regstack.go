package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// RegStackRow is one engine's line in the register-vs-stack table.
type RegStackRow struct {
	// Engine and VM name the engine and its dispatch model.
	Engine, VM string
	// Time is the median wall time of loop at the table's N.
	Time time.Duration
	// Startup is the median wall time of loop with zero iterations.
	Startup time.Duration
	// NsPerIter is (Time - Startup) / N, or NaN when unknown.
	NsPerIter float64
	// CPUTime, StartupCPU and NsPerIterCPU are the same in CPU time.
	CPUTime, StartupCPU time.Duration
	// NsPerIterCPU is (CPUTime - StartupCPU) / N, or NaN when unknown.
	NsPerIterCPU float64
	// Instr is instructions per iteration, or NaN when not measured.
	Instr float64
	// InstrHow says how Instr was counted ("perf", "callgrind N=...").
	InstrHow string
	// Err explains a row whose numbers could not be had.
	Err string
}

// RegStack is the register-vs-stack comparison on the loop program.
type RegStack struct {
	// N is the iteration count of the timed runs.
	N int
	// Rows holds one row per engine that runs loop.
	Rows []RegStackRow
	// Notes explain unavailable counters and how the numbers were made.
	Notes []string
}

// regStackConfig carries the flags that shape the register-vs-stack table.
type regStackConfig struct {
	rounds     int
	timeout    time.Duration
	callgrind  bool
	callgrindN int
	tmpDir     string
}

// measureRegStack builds the register-vs-stack table from the loop results
// already in res, timing zero-iteration runs to subtract start-up cost and
// counting instructions with perf or, if asked, callgrind.
func measureRegStack(res *Results, dir string, cfg regStackConfig) *RegStack {
	n := res.Sizes["loop"]
	rs := &RegStack{N: n}
	perfOK, perfNote := perfAvailable()
	if perfOK {
		rs.Notes = append(rs.Notes, fmt.Sprintf("Instructions per iteration: `perf stat -e instructions` at N=%d minus N=0, divided by N.", n))
	} else {
		rs.Notes = append(rs.Notes, "Instructions per iteration via perf are unavailable: "+perfNote+".")
	}
	if cfg.callgrind {
		if _, err := exec.LookPath("valgrind"); err != nil {
			rs.Notes = append(rs.Notes, "-callgrind was given but valgrind is not on PATH.")
			cfg.callgrind = false
		} else {
			rs.Notes = append(rs.Notes, fmt.Sprintf("Callgrind counts: `valgrind --tool=callgrind` instructions (Ir) at N=%d minus N=0, divided by N; Go engines run with GODEBUG=asyncpreemptoff=1, which callgrind needs.", cfg.callgrindN))
		}
	} else if !perfOK {
		rs.Notes = append(rs.Notes, "Run with -callgrind to count instructions under valgrind instead (slow).")
	}
	rs.Notes = append(rs.Notes, "ns/iter is (median time at N - median time at N=0) / N, in wall and in CPU time, so interpreter start-up and compilation are left out; on a busy machine the wall figure can even come out negative.")

	var engines []*Engine
	var files []string
	for _, e := range res.Available() {
		if f := programFile(dir, "loop", e.Dialect); f != "" {
			engines = append(engines, e)
			files = append(files, f)
		}
	}
	// Zero-iteration runs, interleaved like the main runs.
	startup := make([][]time.Duration, len(engines))
	startupCPU := make([][]time.Duration, len(engines))
	for r := 0; r < cfg.rounds; r++ {
		for i, e := range engines {
			ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout)
			_, t, err := e.Run(ctx, files[i], 0)
			cancel()
			if err == nil {
				startup[i] = append(startup[i], t.Wall)
				startupCPU[i] = append(startupCPU[i], t.CPU)
			}
		}
	}
	for i, e := range engines {
		row := RegStackRow{Engine: e.Label(), VM: e.VM, NsPerIter: math.NaN(), NsPerIterCPU: math.NaN(), Instr: math.NaN()}
		c := res.Cell("loop", e.Name)
		switch {
		case !c.OK():
			row.Err = "loop did not run cleanly"
		case len(startup[i]) == 0:
			row.Time, row.CPUTime = c.Median(), c.MedianCPU()
			row.Err = "the N=0 run failed"
		default:
			row.Time, row.CPUTime = c.Median(), c.MedianCPU()
			row.Startup, row.StartupCPU = median(startup[i]), median(startupCPU[i])
			if n > 0 {
				row.NsPerIter = float64(row.Time-row.Startup) / float64(n)
				row.NsPerIterCPU = float64(row.CPUTime-row.StartupCPU) / float64(n)
			}
		}
		if row.Err == "" {
			if perfOK {
				if x, err := instrPerIter(e, files[i], n, perfCount); err == nil {
					row.Instr, row.InstrHow = x, "perf"
				} else {
					row.Err = "perf: " + err.Error()
				}
			}
			if cfg.callgrind && math.IsNaN(row.Instr) {
				count := func(argv []string) (float64, error) { return callgrindCount(argv, cfg.tmpDir) }
				if x, err := instrPerIter(e, files[i], cfg.callgrindN, count); err == nil {
					row.Instr, row.InstrHow = x, fmt.Sprintf("callgrind N=%d", cfg.callgrindN)
				} else {
					row.Err = "callgrind: " + err.Error()
				}
			}
		}
		rs.Rows = append(rs.Rows, row)
	}
	return rs
}

// instrPerIter counts the instructions of loop at n and at 0 iterations
// with count and returns the difference per iteration.
func instrPerIter(e *Engine, file string, n int, count func([]string) (float64, error)) (float64, error) {
	if n <= 0 {
		return 0, fmt.Errorf("N must be positive")
	}
	base, err := count(e.Command(file, 0))
	if err != nil {
		return 0, err
	}
	full, err := count(e.Command(file, n))
	if err != nil {
		return 0, err
	}
	return (full - base) / float64(n), nil
}

// perfAvailable reports whether `perf stat -e instructions` gives a count
// here, and if not, why.
func perfAvailable() (bool, string) {
	if _, err := exec.LookPath("perf"); err != nil {
		return false, "perf is not installed"
	}
	_, err := perfCount([]string{"true"})
	if err != nil {
		return false, err.Error()
	}
	return true, ""
}

// perfCount runs argv under `perf stat -x, -e instructions` and returns
// the instruction count.
func perfCount(argv []string) (float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := append([]string{"stat", "-x,", "-e", "instructions", "--"}, argv...)
	cmd := exec.CommandContext(ctx, "perf", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("perf stat: %v: %s", err, firstLine(stderr.String()))
	}
	return parsePerfCSV(stderr.String())
}

// parsePerfCSV finds the instructions line of `perf stat -x,` output and
// returns its count.
func parsePerfCSV(s string) (float64, error) {
	for _, line := range strings.Split(s, "\n") {
		f := strings.Split(line, ",")
		if len(f) < 3 || !strings.HasPrefix(f[2], "instructions") {
			continue
		}
		v := strings.TrimSpace(f[0])
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, fmt.Errorf("perf stat -e instructions says %s on this machine", v)
		}
		return x, nil
	}
	return 0, fmt.Errorf("perf stat printed no instructions line")
}

// collectedRE matches callgrind's summary line of executed instructions.
var collectedRE = regexp.MustCompile(`Collected\s*:\s*([0-9]+)`)

// callgrindCount runs argv under callgrind and returns the number of
// instructions it executed.
func callgrindCount(argv []string, tmpDir string) (float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	outFile := filepath.Join(tmpDir, "callgrind.out")
	args := append([]string{"--tool=callgrind", "--callgrind-out-file=" + outFile}, argv...)
	cmd := exec.CommandContext(ctx, "valgrind", args...)
	cmd.Env = append(os.Environ(), "GODEBUG=asyncpreemptoff=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	os.Remove(outFile)
	if err != nil {
		return 0, fmt.Errorf("%v: %s", err, firstLine(stderr.String()))
	}
	return parseCallgrind(stderr.String())
}

// parseCallgrind returns the count from callgrind's "Collected :" line.
func parseCallgrind(s string) (float64, error) {
	m := collectedRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("no instruction count in callgrind's output")
	}
	return strconv.ParseFloat(m[1], 64)
}
