package syntax

import (
	"fmt"
	"strconv"
	"strings"
)

// Dump returns a readable picture of a syntax tree, one node per line,
// indented by depth, each with its position as line:col. x is a *Chunk, a
// *Block, a Stat or an Expr. The format is meant for people and golden
// files, not for parsing back.
func Dump(x any) string {
	d := &dumper{}
	d.any(x)
	return d.b.String()
}

type dumper struct {
	b     strings.Builder
	depth int
}

func (d *dumper) line(format string, args ...any) {
	for i := 0; i < d.depth; i++ {
		d.b.WriteString("  ")
	}
	fmt.Fprintf(&d.b, format, args...)
	d.b.WriteByte('\n')
}

func (d *dumper) in()  { d.depth++ }
func (d *dumper) out() { d.depth-- }

// section prints a labelled list of children.
func (d *dumper) section(label string, list []Expr) {
	if len(list) == 0 {
		return
	}
	d.line("%s:", label)
	d.in()
	for _, e := range list {
		d.expr(e)
	}
	d.out()
}

func (d *dumper) any(x any) {
	switch x := x.(type) {
	case *Chunk:
		d.line("Chunk %s", strconv.Quote(x.Name))
		d.in()
		d.block("Block", x.Block)
		d.out()
	case *Block:
		d.block("Block", x)
	case Stat:
		d.stat(x)
	case Expr:
		d.expr(x)
	default:
		d.line("?%T", x)
	}
}

func pos(p Pos) string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

func (d *dumper) block(label string, b *Block) {
	if b == nil {
		d.line("%s <nil>", label)
		return
	}
	d.line("%s End=%s", label, pos(b.End))
	d.in()
	for _, s := range b.Stats {
		d.stat(s)
	}
	d.out()
}

func namesWithPos(names []string, ps []Pos) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n
		if i < len(ps) {
			parts[i] += "@" + pos(ps[i])
		}
	}
	return strings.Join(parts, " ")
}

func (d *dumper) stat(s Stat) {
	switch s := s.(type) {
	case *LocalStat:
		parts := make([]string, len(s.Names))
		for i, n := range s.Names {
			parts[i] = n + "@" + pos(s.NameP[i])
			switch s.Attribs[i] {
			case AttribConst:
				parts[i] += "<const>"
			case AttribClose:
				parts[i] += "<close>"
			}
		}
		d.line("LocalStat %s %s", pos(s.P), strings.Join(parts, " "))
		d.in()
		d.section("Values", s.Values)
		d.out()
	case *AssignStat:
		d.line("AssignStat %s", pos(s.P))
		d.in()
		d.section("Targets", s.Targets)
		d.section("Values", s.Values)
		d.out()
	case *CallStat:
		d.line("CallStat %s", pos(s.P))
		d.in()
		d.expr(s.Call)
		d.out()
	case *DoStat:
		d.line("DoStat %s", pos(s.P))
		d.in()
		d.block("Body", s.Body)
		d.out()
	case *WhileStat:
		d.line("WhileStat %s", pos(s.P))
		d.in()
		d.expr(s.Cond)
		d.block("Body", s.Body)
		d.out()
	case *RepeatStat:
		d.line("RepeatStat %s", pos(s.P))
		d.in()
		d.block("Body", s.Body)
		d.expr(s.Cond)
		d.out()
	case *IfStat:
		d.line("IfStat %s", pos(s.P))
		d.in()
		for i, c := range s.Conds {
			d.line("Cond:")
			d.in()
			d.expr(c)
			d.out()
			d.block("Then", s.Blocks[i])
		}
		if s.Else != nil {
			d.block("Else", s.Else)
		}
		d.out()
	case *NumericForStat:
		d.line("NumericForStat %s %s@%s", pos(s.P), s.Var, pos(s.VarP))
		d.in()
		d.expr(s.Start)
		d.expr(s.Limit)
		if s.Step != nil {
			d.expr(s.Step)
		}
		d.block("Body", s.Body)
		d.out()
	case *GenericForStat:
		d.line("GenericForStat %s %s", pos(s.P), namesWithPos(s.Names, s.NameP))
		d.in()
		d.section("Exprs", s.Exprs)
		d.block("Body", s.Body)
		d.out()
	case *FunctionStat:
		method := ""
		if s.IsMethod {
			method = " method"
		}
		d.line("FunctionStat %s%s", pos(s.P), method)
		d.in()
		d.expr(s.Target)
		d.expr(s.Func)
		d.out()
	case *LocalFunctionStat:
		d.line("LocalFunctionStat %s %s@%s", pos(s.P), s.Name, pos(s.NameP))
		d.in()
		d.expr(s.Func)
		d.out()
	case *ReturnStat:
		d.line("ReturnStat %s", pos(s.P))
		d.in()
		for _, e := range s.Values {
			d.expr(e)
		}
		d.out()
	case *BreakStat:
		d.line("BreakStat %s", pos(s.P))
	case *GotoStat:
		d.line("GotoStat %s %s", pos(s.P), s.Label)
	case *LabelStat:
		d.line("LabelStat %s %s", pos(s.P), s.Name)
	default:
		d.line("?%T", s)
	}
}

func (d *dumper) expr(e Expr) {
	switch e := e.(type) {
	case nil:
		d.line("<nil>")
	case *NilExpr:
		d.line("NilExpr %s", pos(e.P))
	case *TrueExpr:
		d.line("TrueExpr %s", pos(e.P))
	case *FalseExpr:
		d.line("FalseExpr %s", pos(e.P))
	case *VarargExpr:
		d.line("VarargExpr %s", pos(e.P))
	case *IntExpr:
		d.line("IntExpr %s %d", pos(e.P), e.Value)
	case *FloatExpr:
		d.line("FloatExpr %s %s", pos(e.P), strconv.FormatFloat(e.Value, 'g', -1, 64))
	case *StringExpr:
		d.line("StringExpr %s %s", pos(e.P), strconv.Quote(e.Value))
	case *NameExpr:
		d.line("NameExpr %s %s", pos(e.P), e.Name)
	case *IndexExpr:
		d.line("IndexExpr %s", pos(e.P))
		d.in()
		d.expr(e.Obj)
		d.expr(e.Key)
		d.out()
	case *CallExpr:
		d.line("CallExpr %s", pos(e.P))
		d.in()
		d.expr(e.Fn)
		d.section("Args", e.Args)
		d.out()
	case *MethodCallExpr:
		d.line("MethodCallExpr %s %s@%s", pos(e.P), e.Name, pos(e.NameP))
		d.in()
		d.expr(e.Obj)
		d.section("Args", e.Args)
		d.out()
	case *FunctionExpr:
		params := strings.Join(e.Params, " ")
		if e.IsVararg {
			params = strings.TrimSpace(params + " ...")
		}
		d.line("FunctionExpr %s End=%s (%s)", pos(e.P), pos(e.EndP), params)
		d.in()
		d.block("Body", e.Body)
		d.out()
	case *BinaryExpr:
		d.line("BinaryExpr %s %s", pos(e.P), e.Op)
		d.in()
		d.expr(e.L)
		d.expr(e.R)
		d.out()
	case *UnaryExpr:
		d.line("UnaryExpr %s %s", pos(e.P), e.Op)
		d.in()
		d.expr(e.X)
		d.out()
	case *ParenExpr:
		d.line("ParenExpr %s", pos(e.P))
		d.in()
		d.expr(e.X)
		d.out()
	case *TableExpr:
		d.line("TableExpr %s End=%s", pos(e.P), pos(e.EndP))
		d.in()
		for _, f := range e.Fields {
			if f.Key == nil {
				d.line("Item:")
			} else {
				d.line("Field:")
				d.in()
				d.expr(f.Key)
				d.out()
			}
			d.in()
			d.expr(f.Value)
			d.out()
		}
		d.out()
	default:
		d.line("?%T", e)
	}
}
