package compile

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lunar-lua/lunar/syntax"
)

// names returns "p0, p1, ..., p(n-1)" with the given prefix.
func names(prefix string, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(prefix)
		b.WriteString(itoa(i))
	}
	return b.String()
}

// itoa formats i with three digits.
func itoa(i int) string { return fmt.Sprintf("%03d", i) }

// manyLocalLines returns n lines "local aNNN = NNN".
func manyLocalLines(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString("local a" + itoa(i) + " = " + itoa(i) + "\n")
	}
	return b.String()
}

// compileErrorTests are semantic errors, with the message lua5.4 gives
// (chunk "input"); "" means the chunk compiles.
var compileErrorTests = []struct {
	src, want string
}{
	// goto and labels (§3.3.4)
	{"goto x", "input:1: no visible label 'x' for <goto> at line 1"},
	{"goto x\n\n", "input:3: no visible label 'x' for <goto> at line 1"},
	{"local function f()\n goto x\nend\n\nprint(1)\n", "input:5: no visible label 'x' for <goto> at line 2"},
	{"local f = function()\n goto x\nend\nprint(1)", "input:4: no visible label 'x' for <goto> at line 2"},
	{"g(function() goto x end, 2)", "input:1: no visible label 'x' for <goto> at line 1"},
	{"local function f() goto e end ::e::", "input:1: no visible label 'e' for <goto> at line 1"},
	{"do ::l1:: end goto l1", "input:1: no visible label 'l1' for <goto> at line 1"},
	{"goto l\ndo ::l:: end", "input:2: no visible label 'l' for <goto> at line 1"},
	{"break", "input:1: break outside loop at line 1"},
	{"while true do local f = function() break end end", "input:1: break outside loop at line 1"},
	{"do goto l; local a\n ::l:: print(a) end", "input:2: <goto l> at line 1 jumps into the scope of local 'a'"},
	{"repeat goto l; local x; ::l:: until x", "input:1: <goto l> at line 1 jumps into the scope of local 'x'"},
	{"goto f; local x; ::f:: print(x)", "input:1: <goto f> at line 1 jumps into the scope of local 'x'"},
	{"if x then goto e end local y ::e:: print(y)", "input:1: <goto e> at line 1 jumps into the scope of local 'y'"},
	{"::a:: ::a::", "input:1: label 'a' already defined on line 1"},
	{"::a::\ndo ::a:: end", "input:2: label 'a' already defined on line 1"},
	{"::a::\n::b::\nx=1\n::a::\n", "input:5: label 'a' already defined on line 1"},
	{"do goto l; local a; ::l:: end", ""},
	{"do goto l; local a; ::l:: ::m:: end", ""},
	{"do local x; goto f end ::f::", ""},
	{"while 1 do goto cont; local z = 1; ::cont:: end", ""},
	{"::top:: do local x; goto top end", ""},
	{"for i = 1, 3 do if i then break end end", ""},

	// read-only variables (§3.3.7)
	{"local x <const> = 1\nx = 2", "input:2: attempt to assign to const variable 'x'"},
	{"local x <close> = nil\nx = 2", "input:2: attempt to assign to const variable 'x'"},
	{"local x = 1\nlocal y <const> = {}\nlocal function f() y = 1 end", "input:3: attempt to assign to const variable 'y'"},
	{"local a <const> = 1\nlocal b\nb, a = 1, 2", "input:3: attempt to assign to const variable 'a'"},
	{"local a <const> = 1\nlocal b\na, b = 1, 2", "input:3: attempt to assign to const variable 'a'"},
	{"local x <const> = 1\nfunction x() end\n", "input:3: attempt to assign to const variable 'x'"},
	{"local x <const> = 1\nfunction x() end", "input:2: attempt to assign to const variable 'x'"},
	{"local x <const> = 1\nlocal function f() local function g() x = 2 end end", "input:2: attempt to assign to const variable 'x'"},
	{"local t <const> = {}\nfunction t.f() end\nt.x = 1", ""},
	{"for i = 1, 2 do i = 3 end", ""},
	{"for k in pairs({}) do k = 1 end", ""},
	{"local x <close>, y <close> = 1, 2", "input:1: multiple to-be-closed variables in local list"},

	// limits
	{"local " + names("a", 201) + " = 1", "input:1: too many local variables (limit is 200) in main function near '='"},
	{"local " + names("a", 201), "input:1: too many local variables (limit is 200) in main function near <eof>"},
	{manyLocalLines(201), "input:201: too many local variables (limit is 200) in main function near '='"},
	{"local function f(" + names("p", 201) + ") end", "input:1: too many local variables (limit is 200) in function at line 1 near ')'"},
	{"for i = 1, 2 do\n" + manyLocalLines(197) + "end", "input:198: too many local variables (limit is 200) in main function near '='"},
	{"print(" + names("a", 260) + ")", "input:1: function or expression needs too many registers near 'a254'"},
	{"local t = {" + names("a", 49) + ", f(" + names("b", 210) + ")}", "input:1: function or expression needs too many registers near 'b204'"},
	{"local " + names("a", 150) + "\nlocal function f()\n local " + names("b", 150) +
		"\n local function g()\n  return " + names("a", 150) + ", " + names("b", 150) + "\n end\nend\n",
		"input:5: function or expression needs too many registers near 'b105'"},
	{"local " + names("a", 150) + "\nlocal function f()\n local " + names("b", 150) +
		"\n local function g()\n  local t = {" + names("a", 150) + "}\n  local u = {" + names("b", 150) + "}\n end\nend\n",
		"input:6: too many upvalues (limit is 255) in function at line 4 near ','"},
	{"local " + names("a", 150) + "\nlocal function f()\n local " + names("b", 150) +
		"\n local function g()\n  local t = {" + names("a", 150) + "}\n  return " + strings.ReplaceAll(names("b", 110), ",", " +") + "\n end\nend\n",
		"input:6: too many upvalues (limit is 255) in function at line 4 near '+'"},
}

func TestCompileErrors(t *testing.T) {
	for _, tc := range compileErrorTests {
		chunk, err := syntax.Parse("=input", []byte(tc.src))
		if err != nil {
			if tc.want == "" || err.Error() != tc.want {
				t.Errorf("%.60q: parse error %v", tc.src, err)
			}
			continue
		}
		_, err = Compile(chunk)
		got := ""
		if err != nil {
			got = err.Error()
			if _, ok := err.(*syntax.Error); !ok {
				t.Errorf("%.60q: error of type %T", tc.src, err)
			}
		}
		if got != tc.want {
			t.Errorf("%.60q:\n got %q\nwant %q", tc.src, got, tc.want)
		}
	}
}

// TestCompileErrorsLuac checks the expectations of TestCompileErrors with
// luac, when it is installed.
func TestCompileErrorsLuac(t *testing.T) {
	luac := findLuac(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "input")
	for _, tc := range compileErrorTests {
		if err := os.WriteFile(file, []byte(tc.src), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(luac, "-p", "input")
		cmd.Dir = dir
		out, _ := cmd.CombinedOutput()
		got := strings.TrimSpace(string(out))
		got = strings.TrimPrefix(got, luac+": ")
		got = strings.TrimPrefix(got, filepath.Base(luac)+": ")
		if got != tc.want {
			t.Errorf("%.60q: luac says %q, test expects %q", tc.src, got, tc.want)
		}
	}
}
