package stdlib

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lunar-lua/lunar"
)

func TestIoReadNumber(t *testing.T) {
	long := strings.Repeat("1", 200)
	tests := []struct {
		in   string
		want string // tostring of the result, "fail" when not a number
		rest string // what is left to read
	}{
		{"12", "12", ""},
		{"  \t\n\v\f\r-7 x", "-7", " x"},
		{"+3", "3", ""},
		{"0x1F,", "31", ","},
		{"0X1p4", "16.0", ""},
		{"1e3", "1000.0", ""},
		{"-2.5E-2", "-0.025", ""},
		{".5", "0.5", ""},
		{"5.", "5.0", ""},
		{"0x.8", "0.5", ""},
		{"00012", "12", ""},
		{"1e+", "fail", ""},
		{"0x", "fail", ""},
		{"12abc", "12", "abc"},
		{"-  9", "fail", "  9"},
		{"inf", "fail", "inf"},
		{"0x1P-2", "0.25", ""},
		{"2..3", "2.0", ".3"},
		{"--4", "fail", "-4"},
		{"1E-1x", "0.1", "x"},
		{"0x7fffffffffffffff", "9223372036854775807", ""},
		{"0xffffffffffffffff", "-1", ""},
		{"9223372036854775808", "9.2233720368548e+18", ""},
		{long + " 5", "1.1111111111111e+199", " 5"},
		{long + "1 5", "fail", "1 5"},
		{"", "fail", ""},
		{"e5", "fail", "e5"},
		{"0e", "fail", ""},
		{"0.e1", "0.0", ""},
	}
	for _, tc := range tests {
		r := bufio.NewReader(strings.NewReader(tc.in))
		v, ok, err := ioReadNumber(r)
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		got := "fail"
		if ok {
			got, _ = v.ToString()
		}
		var rest bytes.Buffer
		rest.ReadFrom(r)
		if got != tc.want || rest.String() != tc.rest {
			t.Errorf("%q: got %s, rest %q; want %s, rest %q", tc.in, got, rest.String(), tc.want, tc.rest)
		}
	}
}

func TestIoCheckMode(t *testing.T) {
	for mode, want := range map[string]bool{
		"r": true, "w": true, "a": true, "r+": true, "w+": true, "a+": true, "rb": true, "r+b": true,
		"rbb": true, "r+bb": true, "": false, "x": false, "rw": false, "rb+": false, "r+b+": false,
		"b": false, "+r": false, "r+ ": false, "r++": false,
	} {
		if got := ioCheckMode(mode); got != want {
			t.Errorf("ioCheckMode(%q) = %v, want %v", mode, got, want)
		}
	}
}

// TestIoStdoutInterleaving checks that io.write and print reach the
// state's writer in the order they were called.
func TestIoStdoutInterleaving(t *testing.T) {
	got := tableRun(t, `io.write("a") print("b") io.write("c", 1, 2.5, "\n") io.stdout:write("d") print("e")
		io.stderr:write("f\n") print(io.write("x") == io.stdout)`)
	if want := "ab\nc12.5\nde\nf\nxtrue\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestIoFlushFiles checks that FlushFiles writes what open files buffer.
func TestIoFlushFiles(t *testing.T) {
	name := filepath.Join(t.TempDir(), "out.txt")
	s := lunar.NewState()
	OpenAll(s)
	s.SetGlobal("name", lunar.String(name))
	if _, err := s.DoString("=test", `f = io.open(name, "w") f:write("buffered")`); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(name); len(b) != 0 {
		t.Fatalf("written before flush: %q", b)
	}
	if err := FlushFiles(s); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(name); string(b) != "buffered" {
		t.Fatalf("after FlushFiles: %q", b)
	}
}

// TestIoFileGC checks that an unreachable file is closed (and flushed)
// by its __gc metamethod.
func TestIoFileGC(t *testing.T) {
	name := filepath.Join(t.TempDir(), "gc.txt")
	s := lunar.NewState()
	OpenAll(s)
	s.SetGlobal("name", lunar.String(name))
	code := `do local f = io.open(name, "w") f:write("from gc") end
		for i = 1, 20 do collectgarbage() if io.open(name):read("a") == "from gc" then return true end end
		return false`
	res, err := s.DoString("=test", code)
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].Truthy() {
		t.Skip("the collector did not finalize the file (finalizers are not guaranteed to run)")
	}
}

func TestOsExitHook(t *testing.T) {
	s := lunar.NewState()
	OpenAll(s)
	var gotCode int
	var gotClose bool
	errExit := errors.New("exit called")
	SetExitHook(s, func(code int, close bool) error {
		gotCode, gotClose = code, close
		return errExit
	})
	_, err := s.DoString("=test", `os.exit(7, true) error("not reached")`)
	if err == nil || !strings.Contains(err.Error(), "exit called") {
		t.Fatalf("err = %v", err)
	}
	if gotCode != 7 || !gotClose {
		t.Errorf("code %d close %v", gotCode, gotClose)
	}
	for code, want := range map[string]int{"os.exit(false)": 1, "os.exit(true)": 0, "os.exit()": 0, "os.exit(256 + 3)": 259, "os.exit(2^32 + 5)": 5} {
		if _, err := s.DoString("=test", code); err == nil {
			t.Errorf("%s: no error", code)
		}
		if gotCode != want || gotClose {
			t.Errorf("%s: code %d close %v", code, gotCode, gotClose)
		}
	}
}

// TestIoPopenHostWriter checks that a command's output given to a host
// writer arrives whole, without racing with the script's own output.
func TestIoPopenHostWriter(t *testing.T) {
	got := tableRun(t, `local p = io.popen("cat", "w")
		for i = 1, 100 do io.write(i, " ") p:write(i, "\n") end
		print() p:close() print("end")
		for l in io.popen("printf 'a\\nb'"):lines() do io.write(l, ";") end print()`)
	var want strings.Builder
	for i := 1; i <= 100; i++ {
		want.WriteString(ioItoa(i) + " ")
	}
	want.WriteString("\n")
	for i := 1; i <= 100; i++ {
		want.WriteString(ioItoa(i) + "\n")
	}
	want.WriteString("end\na;b;\n")
	if got != want.String() {
		t.Errorf("got %q", got)
	}
}

func ioItoa(i int) string { v, _ := lunar.Int(int64(i)).ToString(); return v }

// BenchmarkIoWrite: one op writes a string and an integer to a buffered
// file.
func BenchmarkIoWrite(b *testing.B) {
	name := filepath.Join(b.TempDir(), "bench.txt")
	tableBench(b, `local f = io.open("`+name+`", "w")`,
		`for i = 1, N do f:write("line ", i, "\n") end f:flush()`)
}

// BenchmarkIoReadLines: one op reads a line of a file (rewound at the
// end).
func BenchmarkIoReadLines(b *testing.B) {
	name := filepath.Join(b.TempDir(), "bench.txt")
	tableBench(b, `local f = io.open("`+name+`", "w") for i = 1, 1000 do f:write("line number ", i, "\n") end f:close()
		f = io.open("`+name+`")`,
		`for i = 1, N do if not f:read("l") then f:seek("set") end end`)
}
