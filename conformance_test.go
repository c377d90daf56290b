package lunar_test

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/stdlib"
)

// The conformance suite: every testdata/lua/NAME.lua script runs under
// Lunar and its standard output must equal NAME.lua.out, which holds what
// the reference interpreter printed. When lua5.4 is installed the script
// also runs under it, so a stale golden file is caught too.
//
// testdata/lua/SKIP lists scripts that do not pass yet, one per line as
// "NAME.lua: reason"; they are reported as skipped with their reason.

const conformanceDir = "testdata/lua"

func readSkipList(t *testing.T) map[string]string {
	skips := map[string]string{}
	f, err := os.Open(filepath.Join(conformanceDir, "SKIP"))
	if err != nil {
		return skips
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, reason, _ := strings.Cut(line, ":")
		skips[strings.TrimSpace(name)] = strings.TrimSpace(reason)
	}
	return skips
}

// runScript runs a conformance script the way `lua5.4 NAME.lua` run from
// the testdata directory would, returning its standard output.
func runScript(t *testing.T, name string) (string, error) {
	src, err := os.ReadFile(filepath.Join(conformanceDir, name))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	s := lunar.NewState(lunar.WithStdout(&out), lunar.WithStderr(&out), lunar.WithGenerationalGC())
	stdlib.OpenAll(s)
	argt := lunar.NewTable(0, 1)
	argt.SetInt(0, lunar.String(name))
	s.SetGlobal("arg", lunar.TableValue(argt))
	prog, err := lunar.Compile(name, src)
	if err != nil {
		return out.String(), err
	}
	cwd, _ := os.Getwd()
	if err := os.Chdir(conformanceDir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(cwd)
	_, err = s.Run(context.Background(), prog)
	return out.String(), err
}

func TestConformance(t *testing.T) {
	scripts, _ := filepath.Glob(filepath.Join(conformanceDir, "*.lua"))
	if len(scripts) == 0 {
		t.Skip("no conformance scripts")
	}
	skips := readSkipList(t)
	for _, path := range scripts {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".lua"), func(t *testing.T) {
			if reason, ok := skips[name]; ok {
				t.Skipf("known failure: %s", reason)
			}
			want, err := os.ReadFile(path + ".out")
			if err != nil {
				t.Fatalf("missing golden file: %v", err)
			}
			got, err := runScript(t, name)
			if err != nil {
				t.Fatalf("script failed: %v\noutput so far:\n%s", err, got)
			}
			if got != string(want) {
				t.Errorf("output differs from %s.out:\n%s", name, firstDiff(got, string(want)))
			}
		})
	}
}

// TestConformanceGoldenMatchesReference checks the golden files against
// the reference interpreter when it is installed.
func TestConformanceGoldenMatchesReference(t *testing.T) {
	lua, err := exec.LookPath("lua5.4")
	if err != nil {
		t.Skip("lua5.4 not installed")
	}
	scripts, _ := filepath.Glob(filepath.Join(conformanceDir, "*.lua"))
	for _, path := range scripts {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".lua"), func(t *testing.T) {
			want, err := os.ReadFile(path + ".out")
			if err != nil {
				t.Skip("no golden file")
			}
			cmd := exec.Command(lua, name)
			cmd.Dir = conformanceDir
			got, err := cmd.Output()
			if err != nil {
				t.Fatalf("lua5.4 failed: %v", err)
			}
			if string(got) != string(want) {
				t.Errorf("golden file differs from lua5.4's output:\n%s", firstDiff(string(got), string(want)))
			}
		})
	}
}

// firstDiff describes the first differing line of two outputs.
func firstDiff(got, want string) string {
	g := strings.Split(got, "\n")
	w := strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n  got:  " + gl + "\n  want: " + wl
		}
	}
	return "(no difference)"
}

// TestExamples runs the programs in examples/ and, when lua5.4 is
// installed, demands the same output as the reference.
func TestExamples(t *testing.T) {
	examples, _ := filepath.Glob("examples/*.lua")
	if len(examples) == 0 {
		t.Skip("no examples")
	}
	lua, luaErr := exec.LookPath("lua5.4")
	for _, path := range examples {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".lua"), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			s := lunar.NewState(lunar.WithLibraries(stdlib.All), lunar.WithStdout(&out))
			argt := lunar.NewTable(0, 1)
			argt.SetInt(0, lunar.String(path))
			s.SetGlobal("arg", lunar.TableValue(argt))
			prog, err := lunar.Compile(path, src)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Run(context.Background(), prog); err != nil {
				t.Fatalf("%v\noutput so far:\n%s", err, out.String())
			}
			if luaErr != nil {
				return
			}
			want, err := exec.Command(lua, path).Output()
			if err != nil {
				t.Fatalf("lua5.4: %v", err)
			}
			if out.String() != string(want) {
				t.Errorf("output differs from lua5.4's:\n%s", firstDiff(out.String(), string(want)))
			}
		})
	}
}
