package main

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Status is the outcome of one program on one engine.
type Status int

// The outcomes a Cell can have.
const (
	// StatusOK means every run succeeded and printed the reference output.
	StatusOK Status = iota
	// StatusFailed means a run exited with an error or timed out.
	StatusFailed
	// StatusMismatch means the engine printed something other than the
	// reference output, or different output in different rounds.
	StatusMismatch
	// StatusNA means the engine has no file for this program (Starlark
	// only has loop and fib).
	StatusNA
)

// Cell holds the runs of one program on one engine.
type Cell struct {
	// Status is the outcome.
	Status Status
	// Times holds the wall time of each successful round.
	Times []time.Duration
	// CPU holds the CPU time (user+sys) of each successful round.
	CPU []time.Duration
	// Output is the normalized output of the first run.
	Output string
	// Err explains a failure or mismatch.
	Err string
}

// Median returns the median of the cell's wall times.
func (c *Cell) Median() time.Duration { return median(c.Times) }

// MedianCPU returns the median of the cell's CPU times.
func (c *Cell) MedianCPU() time.Duration { return median(c.CPU) }

// OK reports whether the cell has a usable time.
func (c *Cell) OK() bool { return c != nil && c.Status == StatusOK && len(c.Times) > 0 }

// Results is everything a run of the harness measured, ready to report.
type Results struct {
	// Date is when the run started.
	Date time.Time
	// Machine describes the host.
	Machine MachineInfo
	// LoadBefore and LoadAfter are /proc/loadavg's averages at the start
	// and end of the run, to judge how busy the machine was.
	LoadBefore, LoadAfter string
	// Engines lists all engines considered, available or not, in order.
	Engines []*Engine
	// Programs lists the programs run, in order.
	Programs []Program
	// Sizes holds the size argument each program was run with.
	Sizes map[string]int
	// Cells holds the outcome per program name, then engine name.
	Cells map[string]map[string]*Cell
	// RefSource says, per program, what the outputs were checked against.
	RefSource map[string]string
	// Baseline is the engine ratios are computed against (lua5.4).
	Baseline string
	// MetricName is "wall" (the default) or "cpu": which median the ratios,
	// geometric means and chart use.
	MetricName string
	// Rounds is how many interleaved rounds were run.
	Rounds int
	// Quick is set for a -quick run.
	Quick bool
	// RegStack is the register-vs-stack table, or nil when not measured.
	RegStack *RegStack
}

// Available returns the engines that ran.
func (r *Results) Available() []*Engine {
	var out []*Engine
	for _, e := range r.Engines {
		if e.Available() {
			out = append(out, e)
		}
	}
	return out
}

// Cell returns the cell of a program and engine, or nil.
func (r *Results) Cell(program, engine string) *Cell {
	return r.Cells[program][engine]
}

// Metric picks the statistic of a cell that a table reports.
type Metric func(*Cell) time.Duration

// Wall and CPU are the two metrics: median wall time and median CPU time.
var (
	Wall Metric = (*Cell).Median
	CPU  Metric = (*Cell).MedianCPU
)

// metric returns the metric that ratios, geometric means and the chart
// use: CPU time when MetricName is "cpu", else wall time.
func (r *Results) metric() Metric {
	if r.MetricName == "cpu" {
		return CPU
	}
	return Wall
}

// metricLabel describes the metric of r.metric for headings.
func (r *Results) metricLabel() string {
	if r.MetricName == "cpu" {
		return "median CPU time"
	}
	return "median wall time"
}

// Ratio returns the median time (per MetricName) of engine on program
// divided by the baseline's, and whether both exist.
func (r *Results) Ratio(program, engine string) (float64, bool) {
	return r.RatioBy(program, engine, r.metric())
}

// RatioBy is Ratio for any metric.
func (r *Results) RatioBy(program, engine string, m Metric) (float64, bool) {
	c, b := r.Cell(program, engine), r.Cell(program, r.Baseline)
	if !c.OK() || !b.OK() || m(b) <= 0 || m(c) <= 0 {
		return 0, false
	}
	return float64(m(c)) / float64(m(b)), true
}

// GeoMean returns the geometric mean of an engine's ratios to the
// baseline and the number of programs it covers.
func (r *Results) GeoMean(engine string) (float64, int) {
	return r.GeoMeanBy(engine, r.metric())
}

// GeoMeanBy is GeoMean for any metric.
func (r *Results) GeoMeanBy(engine string, m Metric) (float64, int) {
	var ratios []float64
	for _, p := range r.Programs {
		if x, ok := r.RatioBy(p.Name, engine, m); ok {
			ratios = append(ratios, x)
		}
	}
	return geoMean(ratios), len(ratios)
}

// Failures lists "program/engine: reason" for every failed or mismatched
// cell, in report order.
func (r *Results) Failures() []string {
	var out []string
	for _, p := range r.Programs {
		for _, e := range r.Engines {
			c := r.Cell(p.Name, e.Name)
			if c == nil {
				continue
			}
			switch c.Status {
			case StatusFailed:
				out = append(out, fmt.Sprintf("%s on %s: failed: %s", p.Name, e.Name, c.Err))
			case StatusMismatch:
				out = append(out, fmt.Sprintf("%s on %s: checksum mismatch: %s", p.Name, e.Name, c.Err))
			}
		}
	}
	return out
}

// median returns the median of ds (the mean of the middle two for an even
// count), or 0 for none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// geoMean returns the geometric mean of xs, ignoring values that are not
// positive; 0 when nothing is left.
func geoMean(xs []float64) float64 {
	sum, n := 0.0, 0
	for _, x := range xs {
		if x > 0 && !math.IsInf(x, 0) && !math.IsNaN(x) {
			sum += math.Log(x)
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return math.Exp(sum / float64(n))
}

// normalizeOutput makes outputs comparable: CRLF becomes LF, trailing
// spaces are dropped from each line and trailing blank lines from the end.
func normalizeOutput(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

// compareOutputs checks the outputs of the successful cells of one program
// against a reference and marks the ones that differ as mismatches. The
// reference is expected when it is not empty (a stored expected-output
// file), else the baseline engine's output, else the first successful
// engine's in order. It returns a description of the reference's source.
func compareOutputs(cells map[string]*Cell, order []string, expected, baseline string) string {
	ref, source := "", ""
	switch {
	case expected != "":
		ref, source = normalizeOutput(expected), "stored expected output"
	case cells[baseline] != nil && cells[baseline].Status == StatusOK:
		ref, source = cells[baseline].Output, baseline
	default:
		for _, name := range order {
			if c := cells[name]; c != nil && c.Status == StatusOK {
				ref, source = c.Output, name
				break
			}
		}
	}
	if source == "" {
		return "none (no engine succeeded)"
	}
	for _, name := range order {
		c := cells[name]
		if c == nil || c.Status != StatusOK {
			continue
		}
		if c.Output != ref {
			c.Status = StatusMismatch
			c.Err = describeDiff(c.Output, ref, source)
		}
	}
	return source
}

// describeDiff says where got first differs from want, which came from
// source, in one line.
func describeDiff(got, want, source string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		gl, wl := "(nothing)", "(nothing)"
		if i < len(g) {
			gl = quoteShort(g[i])
		}
		if i < len(w) {
			wl = quoteShort(w[i])
		}
		if gl != wl {
			return fmt.Sprintf("line %d is %s, %s has %s", i+1, gl, source, wl)
		}
	}
	return "outputs differ"
}

// quoteShort quotes s for a one-line message, cutting it at 80 bytes.
func quoteShort(s string) string {
	const max = 80
	if len(s) > max {
		s = s[:max] + "..."
	}
	return fmt.Sprintf("%q", s)
}
