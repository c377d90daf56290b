package bytecode

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Disassemble writes a listing of p and of all the functions nested in
// it (p first, then each nested function, depth first) in the format of
// `luac -l` (with full, `luac -l -l`: each function's constants, locals
// and upvalues too). Where luac prints the address of a function, the
// listing gives its index in that order ("#0" for p), so that the output
// is the same from run to run.
func Disassemble(w io.Writer, p *Proto, full bool) error {
	bw := bufio.NewWriter(w)
	d := &disassembler{w: bw, index: make(map[*Proto]int)}
	// Number the functions in the order they are printed. An explicit
	// stack keeps deep nesting off the Go stack.
	order := []*Proto{}
	stack := []*Proto{p}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if _, seen := d.index[f]; seen || f == nil {
			continue
		}
		d.index[f] = len(order)
		order = append(order, f)
		for i := len(f.Protos) - 1; i >= 0; i-- {
			stack = append(stack, f.Protos[i])
		}
	}
	for _, f := range order {
		d.function(f, full)
	}
	return bw.Flush()
}

type disassembler struct {
	w     *bufio.Writer
	index map[*Proto]int
}

func (d *disassembler) printf(format string, args ...any) {
	fmt.Fprintf(d.w, format, args...)
}

// plural returns "s" unless n is 1.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// sourceName shortens a chunk name as luac does.
func sourceName(s string) string {
	switch {
	case s == "":
		return "?"
	case s[0] == '@' || s[0] == '=':
		return s[1:]
	case s[0] == 0x1b:
		return "(bstring)"
	}
	return "(string)"
}

func (d *disassembler) function(f *Proto, full bool) {
	kind := "function"
	if f.LineDefined == 0 {
		kind = "main"
	}
	n := len(f.Code)
	d.printf("\n%s <%s:%d,%d> (%d instruction%s at #%d)\n", kind, sourceName(f.Source),
		f.LineDefined, f.LastLineDefined, n, plural(n), d.index[f])
	vararg := ""
	if f.IsVararg {
		vararg = "+"
	}
	d.printf("%d%s param%s, %d slot%s, %d upvalue%s, ", f.NumParams, vararg, plural(f.NumParams),
		f.MaxStackSize, plural(f.MaxStackSize), len(f.Upvalues), plural(len(f.Upvalues)))
	d.printf("%d local%s, %d constant%s, %d function%s\n", len(f.LocVars), plural(len(f.LocVars)),
		len(f.Constants), plural(len(f.Constants)), len(f.Protos), plural(len(f.Protos)))
	for pc := range f.Code {
		d.instruction(f, pc)
	}
	if !full {
		return
	}
	d.printf("constants (%d) for #%d:\n", len(f.Constants), d.index[f])
	for i, k := range f.Constants {
		d.printf("\t%d\t%s\t%s\n", i, constantType(k), FormatConstant(k))
	}
	d.printf("locals (%d) for #%d:\n", len(f.LocVars), d.index[f])
	for i, v := range f.LocVars {
		d.printf("\t%d\t%s\t%d\t%d\n", i, v.Name, v.StartPC+1, v.EndPC+1)
	}
	d.printf("upvalues (%d) for #%d:\n", len(f.Upvalues), d.index[f])
	for i, u := range f.Upvalues {
		d.printf("\t%d\t%s\t%d\t%d\n", i, upvalueName(u.Name), boolInt(u.InStack), u.Index)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func upvalueName(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// constantType is the letter luac prints for a constant's type.
func constantType(k any) string {
	switch k.(type) {
	case nil:
		return "N"
	case bool:
		return "B"
	case float64:
		return "F"
	case int64:
		return "I"
	case string:
		return "S"
	}
	return "?"
}

// FormatConstant formats a constant as luac prints it: strings quoted
// with C escapes, floats with "%.14g" and a ".0" when that looks like an
// integer.
func FormatConstant(k any) string {
	switch x := k.(type) {
	case nil:
		return "nil"
	case bool:
		if x {
			return "true"
		}
		return "false"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return formatFloat(x)
	case string:
		return quoteString(x)
	}
	return fmt.Sprintf("?%T", k)
}

// formatFloat formats f like C's printf("%.14g"), adding ".0" when the
// result has only digits and a sign.
func formatFloat(f float64) string {
	var s string
	switch {
	case math.IsInf(f, 1):
		s = "inf"
	case math.IsInf(f, -1):
		s = "-inf"
	case math.IsNaN(f):
		s = "nan"
		if math.Signbit(f) {
			s = "-nan"
		}
	default:
		s = strconv.FormatFloat(f, 'g', 14, 64)
	}
	if strings.Trim(s, "-0123456789") == "" {
		s += ".0"
	}
	return s
}

// quoteString quotes a string as luac does.
func quoteString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\v':
			b.WriteString(`\v`)
		default:
			if c >= 0x20 && c < 0x7f {
				b.WriteByte(c)
			} else {
				fmt.Fprintf(&b, `\%03d`, c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
