package bytecode

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// TestOpcodeTable checks that every opcode has a name and a mode, and
// that names are unique.
func TestOpcodeTable(t *testing.T) {
	if len(Info) != NumOpCodes {
		t.Fatalf("Info has %d entries for %d opcodes", len(Info), NumOpCodes)
	}
	seen := make(map[string]OpCode)
	for op := OpCode(0); int(op) < NumOpCodes; op++ {
		info := Info[op]
		if info.Name == "" {
			t.Errorf("opcode %d has no name", op)
		}
		if info.Mode > ModeSJ {
			t.Errorf("%s: bad mode %d", info.Name, info.Mode)
		}
		if prev, dup := seen[info.Name]; dup {
			t.Errorf("%s: name of opcodes %d and %d", info.Name, prev, op)
		}
		seen[info.Name] = op
		if op.String() != info.Name {
			t.Errorf("opcode %d: String() = %q", op, op.String())
		}
	}
	if NumOpCodes > 1<<SizeOp {
		t.Errorf("%d opcodes do not fit %d bits", NumOpCodes, SizeOp)
	}
	if got := OpCode(NumOpCodes).String(); got != "OP?" {
		t.Errorf("String of a bad opcode = %q", got)
	}
	if len(TagMethodNames) != NumTagMethods {
		t.Errorf("%d tag method names for %d events", len(TagMethodNames), NumTagMethods)
	}
}

func TestFormatConstant(t *testing.T) {
	tests := []struct {
		k    any
		want string
	}{
		{nil, "nil"},
		{true, "true"},
		{false, "false"},
		{int64(-42), "-42"},
		{int64(math.MinInt64), "-9223372036854775808"},
		{2.5, "2.5"},
		{1.0, "1.0"},
		{-3.0, "-3.0"},
		{0.1, "0.1"},
		{1e15, "1e+15"},
		{1e14, "1e+14"},
		{123456789012345.0, "1.2345678901234e+14"},
		{math.Pow(2, 53), "9.007199254741e+15"},
		{1e-5, "1e-05"},
		{1.5e300, "1.5e+300"},
		{math.Inf(1), "inf"},
		{math.Inf(-1), "-inf"},
		{"a\"b\\c\n\t\x00\x7f\xff", `"a\"b\\c\n\t\000\127\255"`},
		{"\a\b\f\r\v", `"\a\b\f\r\v"`},
	}
	for _, tc := range tests {
		if got := FormatConstant(tc.k); got != tc.want {
			t.Errorf("FormatConstant(%#v) = %s, want %s", tc.k, got, tc.want)
		}
	}
}

// TestDisassemble disassembles a hand-built prototype.
func TestDisassemble(t *testing.T) {
	inner := &Proto{
		Source: "@t.lua", LineDefined: 2, LastLineDefined: 3, NumParams: 1, MaxStackSize: 2,
		Code: []Instruction{
			ABC(OpGetUpval, 1, 0, 0, false),
			ABC(OpReturn1, 1, 0, 0, false),
		},
		LineInfo: []int32{3, 3},
		Upvalues: []UpvalueDesc{{Name: "x", InStack: true, Index: 0}},
		LocVars:  []LocVar{{Name: "a", StartPC: 0, EndPC: 2}},
	}
	main := &Proto{
		Source: "@t.lua", IsVararg: true, MaxStackSize: 3,
		Code: []Instruction{
			ABC(OpVarargPrep, 0, 0, 0, false),
			AsBx(OpLoadI, 0, -5),
			ABx(OpLoadK, 1, 0),
			ABx(OpClosure, 2, 0),
			ABC(OpSetTabUp, 0, 1, 2, false),
			ABC(OpEqK, 0, 0, 0, true),
			SJ(OpJmp, 1),
			ABC(OpAddI, 0, 0, 1+OffsetSC, false),
			ABC(OpMMBinI, 0, 1+OffsetSC, int(TMAdd), true),
			ABC(OpCall, 2, 1, 0, false),
			ABC(OpReturn, 0, 1, 1, true),
		},
		LineInfo:  []int32{1, 1, 1, 3, 3, 4, 4, 5, 5, 0, 6},
		Constants: []any{"f\n"},
		Upvalues:  []UpvalueDesc{{Name: "_ENV", InStack: true}},
		Protos:    []*Proto{inner},
		LocVars:   []LocVar{{Name: "x", StartPC: 2, EndPC: 11}},
	}
	want := `
main <t.lua:0,0> (11 instructions at #0)
0+ params, 3 slots, 1 upvalue, 1 local, 1 constant, 1 function
	1	[1]	VARARGPREP	0
	2	[1]	LOADI    	0 -5
	3	[1]	LOADK    	1 0	; "f\n"
	4	[3]	CLOSURE  	2 0	; #1
	5	[3]	SETTABUP 	0 1 2	; _ENV ?
	6	[4]	EQK      	0 0 1	; "f\n"
	7	[4]	JMP      	1	; to 9
	8	[5]	ADDI     	0 0 1
	9	[5]	MMBINI   	0 1 6 1	; __add flip
	10	[-]	CALL     	2 1 0	; 0 in all out
	11	[6]	RETURN   	0 1 1k	; 0 out
constants (1) for #0:
	0	S	"f\n"
locals (1) for #0:
	0	x	3	12
upvalues (1) for #0:
	0	_ENV	1	0

function <t.lua:2,3> (2 instructions at #1)
1 param, 2 slots, 1 upvalue, 1 local, 0 constants, 0 functions
	1	[3]	GETUPVAL 	1 0	; x
	2	[3]	RETURN1  	1
constants (0) for #1:
locals (1) for #1:
	0	a	1	3
upvalues (1) for #1:
	0	x	1	0
`
	var b bytes.Buffer
	if err := Disassemble(&b, main, true); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	b.Reset()
	Disassemble(&b, main, false)
	if strings.Contains(b.String(), "constants (") {
		t.Error("short listing has the constants table")
	}
}
