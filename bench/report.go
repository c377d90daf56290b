package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// formatSeconds prints a duration in seconds with millisecond precision.
func formatSeconds(d time.Duration) string {
	return fmt.Sprintf("%.3f", d.Seconds())
}

// secondsOrDash formats a positive duration in seconds, else a dash.
func secondsOrDash(d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	return formatSeconds(d)
}

// nsOrDash formats nanoseconds with two decimals, or a dash for NaN.
func nsOrDash(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	return fmt.Sprintf("%.2f", x)
}

// cellText is what a table shows for a cell that has no number.
func cellText(c *Cell) string {
	switch {
	case c == nil:
		return "—"
	case c.Status == StatusFailed:
		return "FAIL"
	case c.Status == StatusMismatch:
		return "MISMATCH"
	case c.Status == StatusNA:
		return "n/a"
	}
	return ""
}

// writeMarkdown writes the full report: machine, engines, the table of
// median times, the table of ratios with geometric means, the
// register-vs-stack table and the failures.
func writeMarkdown(w io.Writer, r *Results, command string) error {
	var b strings.Builder
	eng := r.Available()

	b.WriteString("# Lunar benchmark results\n\n")
	fmt.Fprintf(&b, "- Date: %s\n", r.Date.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "- Machine: %s\n", r.Machine)
	if r.LoadBefore != "" || r.LoadAfter != "" {
		fmt.Fprintf(&b, "- Load average (1, 5, 15 min) before: %s; after: %s\n", r.LoadBefore, r.LoadAfter)
	}
	fmt.Fprintf(&b, "- Method: every program on every engine, interleaved, %d round(s); each number is the median of the rounds, including interpreter start-up. Ratios (of the %s) are to %s: below 1 is faster.\n", r.Rounds, r.metricLabel(), r.Baseline)
	if command != "" {
		fmt.Fprintf(&b, "- Command: `%s` (in bench/)\n", command)
	}

	b.WriteString("\n## Engines\n\n| engine | version | runs | status |\n|---|---|---|---|\n")
	for _, e := range r.Engines {
		status := "ran"
		if !e.Available() {
			status = "skipped: " + mdEscape(e.Skip)
		} else if e.InProcess() {
			status = "ran in-process (timed inside the harness)"
		}
		version := e.Version
		if version == "" {
			version = "—"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", e.Label(), mdEscape(version), dialectFiles(e.Dialect), status)
	}

	if len(eng) > 0 {
		writeTimeTable(&b, r, eng, "Median wall time (seconds)", Wall)
		fmt.Fprintf(&b, "\n## Ratio to %s, %s (lower is faster)\n\n", r.Baseline, r.metricLabel())
		if r.baselineRan() {
			b.WriteString("| program |")
			for _, e := range eng {
				fmt.Fprintf(&b, " %s |", e.Label())
			}
			b.WriteString("\n|---|" + strings.Repeat("--:|", len(eng)) + "\n")
			for _, p := range r.Programs {
				fmt.Fprintf(&b, "| %s |", p.Name)
				for _, e := range eng {
					if x, ok := r.Ratio(p.Name, e.Name); ok {
						fmt.Fprintf(&b, " %.2f |", x)
					} else if t := cellText(r.Cell(p.Name, e.Name)); t != "" {
						fmt.Fprintf(&b, " %s |", t)
					} else {
						b.WriteString(" — |")
					}
				}
				b.WriteString("\n")
			}
			b.WriteString("| **geometric mean** |")
			for _, e := range eng {
				g, n := r.GeoMean(e.Name)
				if n == 0 {
					b.WriteString(" — |")
				} else {
					fmt.Fprintf(&b, " **%.2f** (%d) |", g, n)
				}
			}
			b.WriteString("\n\nThe number in parentheses is how many programs the mean covers: those where both the engine and the baseline ran cleanly.\n")
		} else {
			fmt.Fprintf(&b, "No ratios: %s did not run.\n", r.Baseline)
		}
		writeTimeTable(&b, r, eng, "Median CPU time, user+sys (seconds)", CPU)
		if r.baselineRan() && r.MetricName != "cpu" {
			b.WriteString("| **geometric mean of CPU-time ratios** | |")
			for _, e := range eng {
				g, n := r.GeoMeanBy(e.Name, CPU)
				if n == 0 {
					b.WriteString(" — |")
				} else {
					fmt.Fprintf(&b, " **%.2f** (%d) |", g, n)
				}
			}
			b.WriteString("\n")
		}
		b.WriteString("\nCPU time is much less disturbed than wall time by other load on a shared machine (see the load average above). For in-process engines it is the whole harness process's, so it includes Go's concurrent garbage collector working on other cores.\n")
	}

	if rs := r.RegStack; rs != nil {
		fmt.Fprintf(&b, "\n## Register vs stack: loop (N = %d)\n\n", rs.N)
		b.WriteString("`for i=1,N do a=b+c end` with locals; Starlark runs the same loop over `range` inside a function.\n\n")
		b.WriteString("| engine | VM | wall (s) | wall at N=0 (s) | ns/iter (wall) | CPU (s) | CPU at N=0 (s) | ns/iter (CPU) | instructions/iter |\n")
		b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|\n")
		for _, row := range rs.Rows {
			in := "n/a"
			if !math.IsNaN(row.Instr) {
				in = fmt.Sprintf("%.1f (%s)", row.Instr, row.InstrHow)
			}
			if row.Err != "" {
				in += " — " + mdEscape(row.Err)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", row.Engine, row.VM,
				secondsOrDash(row.Time), secondsOrDash(row.Startup), nsOrDash(row.NsPerIter),
				secondsOrDash(row.CPUTime), secondsOrDash(row.StartupCPU), nsOrDash(row.NsPerIterCPU), in)
		}
		b.WriteString("\n")
		for _, n := range rs.Notes {
			fmt.Fprintf(&b, "- %s\n", mdEscape(n))
		}
	}

	b.WriteString("\n## Checksums\n\n")
	fails := r.Failures()
	if len(fails) == 0 {
		b.WriteString("Every engine that ran printed the reference output on every program it has.\n")
	} else {
		for _, f := range fails {
			fmt.Fprintf(&b, "- %s\n", mdEscape(f))
		}
	}
	var refs []string
	for _, p := range r.Programs {
		if src := r.RefSource[p.Name]; src != "" {
			refs = append(refs, fmt.Sprintf("%s: %s", p.Name, src))
		}
	}
	if len(refs) > 0 {
		fmt.Fprintf(&b, "\nOutputs were checked against: %s.\n", strings.Join(refs, "; "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeTimeTable writes a markdown table of one statistic per program
// and engine, in seconds.
func writeTimeTable(b *strings.Builder, r *Results, eng []*Engine, title string, stat Metric) {
	fmt.Fprintf(b, "\n## %s\n\n| program | size |", title)
	for _, e := range eng {
		fmt.Fprintf(b, " %s |", e.Label())
	}
	b.WriteString("\n|---|--:|" + strings.Repeat("--:|", len(eng)) + "\n")
	for _, p := range r.Programs {
		fmt.Fprintf(b, "| %s | %d |", p.Name, r.Sizes[p.Name])
		for _, e := range eng {
			c := r.Cell(p.Name, e.Name)
			if c.OK() {
				fmt.Fprintf(b, " %s |", formatSeconds(stat(c)))
			} else {
				fmt.Fprintf(b, " %s |", cellText(c))
			}
		}
		b.WriteString("\n")
	}
}

// baselineRan reports whether the baseline engine ran at all.
func (r *Results) baselineRan() bool {
	for _, e := range r.Engines {
		if e.Name == r.Baseline {
			return e.Available()
		}
	}
	return false
}

// dialectFiles says which program files an engine of dialect d runs.
func dialectFiles(d Dialect) string {
	switch d {
	case Lua54:
		return "NAME.lua (Lua 5.4)"
	case Lua51:
		return "NAME_51.lua if present, else NAME.lua (Lua 5.1)"
	case Starlark:
		return "starlark/NAME.star (loop, fib)"
	}
	return string(d)
}

// mdEscape keeps text from breaking a markdown table row.
func mdEscape(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// writeSummary prints a compact plain-text table of medians and ratios,
// for the terminal.
func writeSummary(w io.Writer, r *Results) {
	eng := r.Available()
	fmt.Fprintf(w, "%-14s", "program")
	for _, e := range eng {
		fmt.Fprintf(w, " %18s", e.Label())
	}
	fmt.Fprintln(w)
	for _, p := range r.Programs {
		fmt.Fprintf(w, "%-14s", p.Name)
		for _, e := range eng {
			c := r.Cell(p.Name, e.Name)
			s := cellText(c)
			if c.OK() {
				s = formatSeconds(c.Median()) + "s"
				if x, ok := r.Ratio(p.Name, e.Name); ok {
					s += fmt.Sprintf(" (%.2fx)", x)
				}
			}
			fmt.Fprintf(w, " %18s", s)
		}
		fmt.Fprintln(w)
	}
	if r.baselineRan() {
		fmt.Fprintf(w, "%-14s", "geomean")
		for _, e := range eng {
			g, n := r.GeoMean(e.Name)
			s := "—"
			if n > 0 {
				s = fmt.Sprintf("%.2fx (%d)", g, n)
			}
			fmt.Fprintf(w, " %18s", s)
		}
		fmt.Fprintln(w)
	}
}
