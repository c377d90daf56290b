package compile

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lunar-lua/lunar/bytecode"
	"github.com/lunar-lua/lunar/syntax"
)

// The tests in this file compare listings with those of the reference
// compiler, luac 5.4 (`luac5.4 -l -l`), when it is installed, compiling
// in the luac544 mode (see options).

var addrRE = regexp.MustCompile(`instructions? at (0x[0-9a-f]+)\)`)

// luacListing returns luac's listing of a file, with function addresses
// replaced by indices as Disassemble prints them.
func luacListing(t *testing.T, luac, dir, name string) string {
	t.Helper()
	cmd := exec.Command(luac, "-l", "-l", "-p", name)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		// An error: drop luac's name before the message.
		s := strings.TrimSpace(string(out))
		return "luac5.4: " + s[strings.Index(s, ": ")+2:]
	}
	s := string(out)
	for i, m := range addrRE.FindAllStringSubmatch(s, -1) {
		s = strings.ReplaceAll(s, m[1], fmt.Sprintf("#%d", i))
	}
	return s
}

// listing compiles src and returns its listing, or the error message.
func listing(name string, src []byte, opts options) string {
	chunk, err := syntax.Parse("@"+name, src)
	if err != nil {
		return "luac5.4: " + err.Error()
	}
	p, err := compile(chunk, opts)
	if err != nil {
		return "luac5.4: " + err.Error()
	}
	var b bytes.Buffer
	bytecode.Disassemble(&b, p, true)
	return b.String()
}

// firstDiff describes the first line where two texts differ.
func firstDiff(want, got string) string {
	wl := strings.Split(want, "\n")
	gl := strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\nluac: %q\nours: %q", i+1, w, g)
		}
	}
	return ""
}

func findLuac(t *testing.T) string {
	for _, name := range []string{"luac5.4", "luac"} {
		if p, err := exec.LookPath(name); err == nil {
			if out, _ := exec.Command(p, "-v").CombinedOutput(); bytes.Contains(out, []byte("Lua 5.4")) {
				return p
			}
		}
	}
	t.Skip("luac 5.4 not installed")
	return ""
}

// TestLuacListings compares the listings of testdata/disasm/*.lua with
// luac's. Set LUNAR_LUAC_GLOB to compare other files too.
func TestLuacListings(t *testing.T) {
	luac := findLuac(t)
	files, _ := filepath.Glob("testdata/disasm/*.lua")
	if glob := os.Getenv("LUNAR_LUAC_GLOB"); glob != "" {
		more, _ := filepath.Glob(glob)
		files = append(files, more...)
	}
	for _, file := range files {
		dir, name := filepath.Split(file)
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		want := luacListing(t, luac, dir, name)
		got := strings.TrimSpace(listing(name, src, options{luac544: true}))
		if d := firstDiff(strings.TrimSpace(want), got); d != "" {
			t.Errorf("%s: listing differs from luac's at %s", file, d)
		}
	}
	t.Logf("%d files compared", len(files))
}
