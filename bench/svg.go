package main

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// palette colours the engines' bars, indexed like engineOrder so that an
// engine keeps its colour whichever others ran.
var palette = []string{"#d62728", "#7f7f7f", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"}

// engineColor returns the bar colour of the engine named name.
func engineColor(name string) string {
	for i, n := range engineOrder {
		if n == name {
			return palette[i%len(palette)]
		}
	}
	return palette[len(palette)-1]
}

// svg layout constants, in pixels.
const (
	svgWidth     = 960
	svgLeft      = 130 // room for program names
	svgRight     = 60  // room for value labels
	svgTop       = 70  // title and legend
	svgBottom    = 40  // axis labels
	svgBarHeight = 12
	svgBarGap    = 2
	svgGroupGap  = 10
)

// writeSVG draws the ratios to the baseline as a horizontal bar chart on a
// log2 scale: one group of bars per program plus one for the geometric
// means, bars growing right of the 1× line for slower engines and left of
// it for faster ones. The baseline itself is the 1× line.
func writeSVG(w io.Writer, r *Results) error {
	var engines []*Engine
	for _, e := range r.Available() {
		if e.Name != r.Baseline {
			engines = append(engines, e)
		}
	}
	type row struct {
		label string
		cells []svgCell
	}
	var rows []row
	for _, p := range r.Programs {
		rw := row{label: p.Name}
		for _, e := range engines {
			x, ok := r.Ratio(p.Name, e.Name)
			rw.cells = append(rw.cells, svgCell{ratio: x, ok: ok, text: cellText(r.Cell(p.Name, e.Name))})
		}
		rows = append(rows, rw)
	}
	gm := row{label: "geometric mean"}
	for _, e := range engines {
		g, n := r.GeoMean(e.Name)
		gm.cells = append(gm.cells, svgCell{ratio: g, ok: n > 0, text: "—"})
	}
	rows = append(rows, gm)

	lo, hi := 0.25, 4.0
	for _, rw := range rows {
		for _, c := range rw.cells {
			if c.ok {
				lo, hi = math.Min(lo, c.ratio), math.Max(hi, c.ratio)
			}
		}
	}
	loExp, hiExp := math.Floor(math.Log2(lo)), math.Ceil(math.Log2(hi))
	plotW := float64(svgWidth - svgLeft - svgRight)
	xOf := func(v float64) float64 {
		return svgLeft + (math.Log2(v)-loExp)/(hiExp-loExp)*plotW
	}

	groupH := len(engines)*(svgBarHeight+svgBarGap) + svgGroupGap
	if len(engines) == 0 {
		groupH = 20
	}
	plotH := len(rows) * groupH
	height := svgTop + plotH + svgBottom

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n",
		svgWidth, height, svgWidth, height)
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%d" height="%d" fill="white"/>`+"\n", svgWidth, height)
	title := fmt.Sprintf("%s relative to %s (log scale, lower is faster), %d round(s)", r.metricLabel(), r.Baseline, r.Rounds)
	title = strings.ToUpper(title[:1]) + title[1:]
	fmt.Fprintf(&b, `<text x="%d" y="20" font-size="14" font-weight="bold">%s</text>`+"\n", svgLeft, esc(title))

	// legend
	lx := svgLeft
	for _, e := range engines {
		fmt.Fprintf(&b, `<rect x="%d" y="32" width="12" height="12" fill="%s"/>`, lx, engineColor(e.Name))
		fmt.Fprintf(&b, `<text x="%d" y="42">%s</text>`+"\n", lx+16, esc(e.Label()))
		lx += 24 + 7*len(e.Label())
	}
	if !r.baselineRan() {
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#c00">%s did not run: no ratios to draw</text>`+"\n", svgLeft, svgTop+14, esc(r.Baseline))
	}

	// grid at powers of two
	for e := loExp; e <= hiExp; e++ {
		v := math.Exp2(e)
		x := xOf(v)
		stroke, width := "#ddd", 1
		if e == 0 {
			stroke, width = "#333", 2
		}
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" stroke-width="%d"/>`+"\n",
			x, svgTop-6, x, svgTop+plotH, stroke, width)
		label := fmt.Sprintf("%g×", v)
		if e == 0 {
			label = "1× = " + r.Baseline
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%s</text>`+"\n",
			x, svgTop+plotH+16, esc(label))
	}

	// bars
	one := xOf(1)
	for gi, rw := range rows {
		y0 := svgTop + gi*groupH
		weight := "normal"
		if gi == len(rows)-1 {
			weight = "bold"
		}
		midY := y0 + (groupH-svgGroupGap)/2 + 4
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" font-weight="%s">%s</text>`+"\n",
			svgLeft-8, midY, weight, esc(rw.label))
		for i, c := range rw.cells {
			y := y0 + i*(svgBarHeight+svgBarGap)
			if !c.ok {
				fill := "#999"
				if c.text == "FAIL" || c.text == "MISMATCH" {
					fill = "#c00"
				}
				fmt.Fprintf(&b, `<text x="%.1f" y="%d" fill="%s" font-size="10">%s: %s</text>`+"\n",
					one+4, y+svgBarHeight-2, fill, esc(engines[i].Label()), esc(c.text))
				continue
			}
			x := xOf(c.ratio)
			left, width := math.Min(one, x), math.Abs(x-one)
			if width < 1 {
				width = 1
			}
			fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%s %s: %.2f×</title></rect>`+"\n",
				left, y, width, svgBarHeight, engineColor(engines[i].Name), esc(engines[i].Label()), esc(rw.label), c.ratio)
			tx, anchor := x+3, "start"
			if c.ratio < 1 {
				tx, anchor = x-3, "end"
			}
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="%s" font-size="10">%.2f</text>`+"\n",
				tx, y+svgBarHeight-2, anchor, c.ratio)
		}
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// svgCell is one bar of the chart.
type svgCell struct {
	ratio float64
	ok    bool
	text  string // shown instead of a bar when !ok
}

// esc escapes text for SVG content and attribute values.
func esc(s string) string { return html.EscapeString(s) }
