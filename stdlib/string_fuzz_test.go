package stdlib_test

import (
	"math"
	"testing"

	"github.com/lunar-lua/lunar"
)

// libFunc returns a function of a library table.
func libFunc(s *lunar.State, lib, name string) lunar.Value {
	return s.GetGlobal(lib).AsTable().GetStr(name)
}

// FuzzFormat calls string.format with fuzzed formats and arguments: it
// must return a string or a Lua error, never panic.
func FuzzFormat(f *testing.F) {
	for _, spec := range []string{"%d", "%5.2f", "%-+ #0x", "%q", "%s|%10.3s", "%a %A", "%g %e %G",
		"%c", "%i %u %o", "%%", "%p", "%99.99f", "%.20a", "%", "%1$d", "%--------------------d"} {
		f.Add(spec, int64(42), 3.5, "str")
		f.Add(spec, int64(math.MinInt64), math.Inf(-1), "a\x00b")
	}
	s := newState(f)
	th := s.MainThread()
	format := libFunc(s, "string", "format")
	f.Fuzz(func(t *testing.T, spec string, i int64, x float64, str string) {
		if len(spec) > 1<<10 {
			return
		}
		res, err := th.PCall(format, lunar.String(spec), lunar.Int(i), lunar.Float(x), lunar.String(str),
			lunar.Int(i), lunar.Float(x), lunar.String(str), lunar.Nil, lunar.True)
		if err == nil && (len(res) != 1 || !res[0].IsString()) {
			t.Fatalf("format returned %v", res)
		}
	})
}

// FuzzUnpack calls string.unpack and string.packsize with fuzzed formats,
// data and positions, and packs back what unpacks.
func FuzzUnpack(f *testing.F) {
	for _, spec := range []string{"<i4", ">I3 b", "!8 b d", "z s1", "c3 Xi4 h", "j n f", "i16", "s16",
		"X", "i17", "!3 i3", "=T L l H B"} {
		f.Add(spec, []byte("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x00"), int64(1))
		f.Add(spec, []byte("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"), int64(-3))
	}
	s := newState(f)
	th := s.MainThread()
	unpack := libFunc(s, "string", "unpack")
	pack := libFunc(s, "string", "pack")
	packsize := libFunc(s, "string", "packsize")
	f.Fuzz(func(t *testing.T, spec string, data []byte, pos int64) {
		if len(spec) > 1<<10 {
			return
		}
		th.PCall(packsize, lunar.String(spec))
		res, err := th.PCall(unpack, lunar.String(spec), lunar.String(string(data)), lunar.Int(pos))
		if err != nil {
			return
		}
		next := res[len(res)-1]
		if !next.IsInt() || next.AsInt() < 1 || next.AsInt() > int64(len(data))+1 {
			t.Fatalf("next position %v for %d bytes", next, len(data))
		}
		args := append([]lunar.Value{lunar.String(spec)}, res[:len(res)-1]...)
		th.PCall(pack, args...)
	})
}
