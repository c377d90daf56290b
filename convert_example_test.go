package lunar_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lunar-lua/lunar"
)

// Hand Go data to a script: structs become tables keyed by field name or
// `lua` tag, slices become sequences, time.Time the seconds of os.time().
func ExampleToValue() {
	type Server struct {
		Host string `lua:"host"`
		Port int    `lua:"port"`
	}
	type Request struct {
		Method  string            `lua:"method"`
		Headers map[string]string `lua:"headers"`
		Servers []Server          `lua:"servers"`
		At      time.Time         `lua:"at"`
		Token   string            `lua:"-"` // never seen by the script
	}
	req, err := lunar.ToValue(&Request{
		Method:  "GET",
		Headers: map[string]string{"Accept": "text/plain"},
		Servers: []Server{{"a.example", 80}, {"b.example", 8080}},
		At:      time.Unix(1700000000, 0),
		Token:   "secret",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := lunar.NewState()
	s.SetGlobal("req", req)
	res, err := s.DoString("filter.lua", `
		local last = req.servers[#req.servers]
		return req.method, req.headers.Accept, last.host .. ":" .. last.port, req.at, req.token`)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range res {
		fmt.Println(v.Interface())
	}
	// Output:
	// GET
	// text/plain
	// b.example:8080
	// 1700000000
	// <nil>
}

// Read a script's result into Go types, as json.Unmarshal does; keys are
// matched to fields exactly or case-insensitively.
func ExampleFromValue() {
	type Limits struct {
		RPS   int     `lua:"rps"`
		Burst float64 `lua:"burst"`
	}
	type Config struct {
		Name   string
		Routes []string          `lua:"routes"`
		Limits map[string]Limits `lua:"limits"`
	}
	s := lunar.NewState()
	res, err := s.DoString("config.lua", `
		return {
			name = "gateway",
			routes = {"/a", "/b"},
			limits = {default = {rps = 100, burst = 1.5}},
		}`)
	if err != nil {
		fmt.Println(err)
		return
	}
	var cfg Config
	if err := lunar.FromValue(res[0], &cfg); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%+v\n", cfg)

	// Errors say where the value went wrong.
	res, _ = s.DoString("config.lua", `return {limits = {default = {rps = 2.5}}}`)
	fmt.Println(lunar.FromValue(res[0], &cfg))
	// Output:
	// {Name:gateway Routes:[/a /b] Limits:map[default:{RPS:100 Burst:1.5}]}
	// lunar: limits.default.rps: number has no integer representation
}

// Register typed Go functions with one call. Arguments are checked and
// converted with the reference interpreter's messages; a returned error
// becomes a Lua error.
func ExampleState_RegisterFunc() {
	s := lunar.NewState()
	s.RegisterFunc("add", func(a, b int64) int64 { return a + b })
	s.RegisterFunc("upper", strings.ToUpper)
	s.RegisterFunc("parsePort", func(p string) (int, error) {
		var n int
		if _, err := fmt.Sscan(p, &n); err != nil || n < 1 || n > 65535 {
			return 0, errors.New("invalid port " + p)
		}
		return n, nil
	})
	res, err := s.DoString("main.lua", `return add(40, 2), upper("lunar"), parsePort("8080")`)
	fmt.Println(res[0].AsInt(), res[1].AsString(), res[2].AsInt(), err)

	_, err = s.DoString("main.lua", `return add(1, "two")`)
	fmt.Println(err)
	_, err = s.DoString("main.lua", `return parsePort("http")`)
	fmt.Println(err)
	// Output:
	// 42 LUNAR 8080 <nil>
	// main.lua:1: bad argument #2 to 'add' (number expected, got string)
	// main.lua:1: invalid port http
}

// A Go function whose first parameter is a *Thread can call Lua back.
func ExampleWrapFunc() {
	each, _ := lunar.WrapFunc("each", func(th *lunar.Thread, items []string, fn lunar.Value) error {
		for _, it := range items {
			if _, err := th.Call(fn, lunar.String(it)); err != nil {
				return err
			}
		}
		return nil
	})
	s := lunar.NewState()
	s.SetGlobal("each", each)
	res, err := s.DoString("main.lua", `
		local n = 0
		each({"a", "bb", "ccc"}, function(s) n = n + #s end)
		return n`)
	fmt.Println(res[0].AsInt(), err)
	// Output: 6 <nil>
}

// Interface gives a Lua value as plain Go data: sequences as []any, other
// tables as map[string]any, integers as int64.
func ExampleValue_Interface() {
	s := lunar.NewState()
	res, _ := s.DoString("data.lua", `return {ok = true, ids = {1, 2, 3}, ratio = 0.5}`)
	fmt.Printf("%v\n", res[0].Interface())
	// Output: map[ids:[1 2 3] ok:true ratio:0.5]
}

// A Go function takes a Lua function as a typed callback: Map calls f as
// any Go func. A Lua error inside f is raised in Lua by the call to map,
// where pcall catches it; a func type with a last error result would get
// it as that result instead.
func ExampleState_RegisterFunc_callback() {
	Map := func(items []int, f func(int) int) []int {
		out := make([]int, len(items))
		for i, x := range items {
			out[i] = f(x)
		}
		return out
	}
	s := lunar.NewState()
	if err := s.RegisterFunc("map", Map); err != nil {
		fmt.Println(err)
		return
	}
	res, err := s.DoString("example.lua", `
		local squares = map({1, 2, 3}, function(x) return x * x end)
		local ok, err = pcall(function()
			return map({1, 0}, function(x) return 1 // x end)
		end)
		return squares, ok, err`)
	if err != nil {
		fmt.Println(err)
		return
	}
	var squares []int
	if err := s.FromValue(res[0], &squares); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(squares)
	fmt.Println(res[1].Interface(), res[2].Interface())
	// Output:
	// [1 4 9]
	// false example.lua:4: attempt to divide by zero
}
