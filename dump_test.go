package lunar_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/bytecode"
	"github.com/lunar-lua/lunar/stdlib"
)

func TestDumpUndump(t *testing.T) {
	s := lunar.NewState()
	stdlib.OpenAll(s)
	res, err := s.DoString("=t", `return function(a, b) return a * b + x end`)
	if err != nil {
		t.Fatal(err)
	}
	th := s.MainThread()
	data, err := th.Dump(res[0], false)
	if err != nil {
		t.Fatal(err)
	}
	fn, err := lunar.Undump(th, data, "=dumped")
	if err != nil {
		t.Fatal(err)
	}
	s.SetGlobal("x", lunar.Int(1))
	out, err := s.Call(context.Background(), fn, lunar.Int(6), lunar.Int(7))
	if err != nil || len(out) != 1 || out[0].AsInt() != 43 {
		t.Fatalf("loaded function: %v %v", out, err)
	}
	if _, err := th.Dump(s.GetGlobal("print"), false); err == nil ||
		!strings.Contains(err.Error(), "unable to dump given function") {
		t.Errorf("dumping a Go function: %v", err)
	}
	if _, err := lunar.Undump(th, data[:10], "=dumped"); err == nil ||
		err.Error() != "dumped: bad binary format (truncated chunk)" {
		t.Errorf("truncated chunk: %v", err)
	}
}

// verifiedRunSources are the programs FuzzVerifiedRun mutates.
var verifiedRunSources = []string{
	`local t = {1, 2, 3, n = 3} local s = 0 for i = 1, #t do s = s + t[i] end return s`,
	`local function f(a, ...) local t = {...} return a, #t, select("#", ...) end return f(1, 2, 3)`,
	`local x = 10 local function g() x = x + 1 return x end return g(), g(), {g(), g()}`,
	`local s = "" for k, v in pairs({a = 1, b = 2}) do s = s .. k end return #s, s:upper()`,
	`local a, b = 7, 2 return a // b, a % b, a / b, a ^ b, a & b, a | b, a ~ b, a << b, a >> b, -a, ~a`,
	`local t = setmetatable({}, {__index = function(t, k) return k * 2 end}) return t[21], rawget(t, 1)`,
	`local n = 0 while n < 5 do n = n + 1 if n == 3 then goto skip end ::skip:: end repeat n = n - 1 until n < 0 return n`,
}

// FuzzVerifiedRun changes instructions and constants of compiled programs
// at random, keeps the results that pass bytecode.Verify and runs them:
// whatever the bytes, a verified chunk must run to a result or to a Lua
// error, never panic the VM. Each mutation is 6 bytes: instruction index
// (2), which field to change (1), new value (3).
func FuzzVerifiedRun(f *testing.F) {
	for i := range verifiedRunSources {
		f.Add(uint8(i), []byte{})
		f.Add(uint8(i), []byte{0, 3, 0, 1, 0, 0})
		f.Add(uint8(i), []byte{0, 1, 1, 0, 0, 2, 0, 4, 3, 0, 1, 0})
	}
	protos := make([]*bytecode.Proto, len(verifiedRunSources))
	for i, src := range verifiedRunSources {
		p, err := lunar.Compile("=fuzz", []byte(src))
		if err != nil {
			f.Fatal(err)
		}
		protos[i] = p.Proto()
	}
	f.Fuzz(func(t *testing.T, which uint8, muts []byte) {
		base := protos[int(which)%len(protos)]
		p := cloneProto(base)
		for len(muts) >= 6 {
			m := muts[:6]
			muts = muts[6:]
			target := p
			if len(p.Protos) > 0 && m[0]&0x80 != 0 {
				target = p.Protos[int(m[0]&0x7f)%len(p.Protos)]
			}
			pc := int(binary.LittleEndian.Uint16(m[1:3])) % len(target.Code)
			v := uint32(m[3]) | uint32(m[4])<<8 | uint32(m[5])<<16
			i := target.Code[pc]
			switch m[0] % 8 {
			case 0:
				i = i.SetOp(bytecode.OpCode(v % uint32(bytecode.NumOpCodes)))
			case 1:
				i = i.SetA(int(v & 0xff))
			case 2:
				i = i.SetB(int(v & 0xff))
			case 3:
				i = i.SetC(int(v & 0xff))
			case 4:
				i = i.SetK(v&1 != 0)
			case 5:
				i = i.SetBx(int(v & bytecode.MaxArgBx))
			case 6:
				i = bytecode.Instruction(v | uint32(m[0])<<24)
			case 7:
				if len(target.Constants) > 0 {
					target.Constants[pc%len(target.Constants)] = []any{nil, true, int64(v), float64(v), "k"}[v%5]
				}
			}
			target.Code[pc] = i
		}
		if bytecode.Verify(p) != nil {
			return
		}
		data := bytecode.Dump(p, v(muts))
		s := lunar.NewState(lunar.WithLimits(lunar.Limits{Instructions: 100000, Memory: 1 << 24, CallDepth: 200}))
		stdlib.OpenAll(s)
		// A count hook bounds the run too: the instruction limit does not
		// see every kind of loop a mutated program can make.
		hooks := 0
		s.SetHook(lunar.NewFunction("stop", func(t *lunar.Thread, args []lunar.Value) (int, error) {
			if hooks++; hooks > 100 {
				return 0, errors.New("run too long")
			}
			return 0, nil
		}), "", 1000)
		th := s.MainThread()
		fn, err := lunar.Undump(th, data, "=fuzz")
		if err != nil {
			t.Fatalf("a verified prototype does not load: %v", err)
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("VM panic on verified code: %v\n%s", r, disasm(p))
				}
			}()
			s.Call(context.Background(), fn)
		}()
	})
}

func v(b []byte) bool { return len(b)%2 == 1 }

func disasm(p *bytecode.Proto) string {
	var sb strings.Builder
	if err := bytecode.Disassemble(&sb, p, true); err != nil {
		return fmt.Sprint(err)
	}
	return sb.String()
}

func cloneProto(p *bytecode.Proto) *bytecode.Proto {
	q := *p
	q.Code = append([]bytecode.Instruction(nil), p.Code...)
	q.Constants = append([]any(nil), p.Constants...)
	q.Protos = make([]*bytecode.Proto, len(p.Protos))
	for i, sub := range p.Protos {
		q.Protos[i] = cloneProto(sub)
	}
	return &q
}
