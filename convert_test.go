package lunar_test

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lunar-lua/lunar"
)

// describe prints a Lua value for comparisons: numbers with their
// subtype, tables with their entries sorted by key.
func describe(v lunar.Value) string {
	switch {
	case v.IsInt():
		return fmt.Sprintf("int(%d)", v.AsInt())
	case v.IsFloat():
		return fmt.Sprintf("float(%v)", v.AsFloat())
	case v.IsString():
		return fmt.Sprintf("%q", v.AsString())
	case v.IsTable():
		var parts []string
		k := lunar.Nil
		for {
			nk, val, ok, err := v.AsTable().Next(k)
			if err != nil || !ok {
				break
			}
			parts = append(parts, describe(nk)+"="+describe(val))
			k = nk
		}
		sortStrings(parts)
		return "{" + strings.Join(parts, " ") + "}"
	}
	if v.IsBool() {
		return fmt.Sprint(v.AsBool())
	}
	return v.TypeName()
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

type Inner struct {
	X, Y int
}

type Base struct {
	ID   int64
	Name string
}

type tagged struct {
	Host    string `lua:"host"`
	Port    uint16 `lua:"port,omitempty"`
	Secret  string `lua:"-"`
	Dash    int    `lua:"-,"`
	Empty   string `lua:",omitempty"`
	private int
	Inner   Inner `lua:"inner"`
}

type withEmbedded struct {
	Base
	*Inner
	Name string // shadows Base.Name
}

type Celsius float64

func TestToValue(t *testing.T) {
	x := 7
	var nilMap map[string]int
	var nilSlice []int
	var nilPtr *Inner
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"nil", nil, "nil"},
		{"true", true, "true"},
		{"int", 42, "int(42)"},
		{"int8", int8(-8), "int(-8)"},
		{"int16", int16(16), "int(16)"},
		{"int32", int32(-32), "int(-32)"},
		{"int64", int64(math.MinInt64), "int(-9223372036854775808)"},
		{"uint", uint(7), "int(7)"},
		{"uint8", uint8(255), "int(255)"},
		{"uint64 max int", uint64(math.MaxInt64), "int(9223372036854775807)"},
		{"uintptr", uintptr(9), "int(9)"},
		{"float64", 1.5, "float(1.5)"},
		{"float64 integral", 2.0, "float(2)"},
		{"float32", float32(0.1), "float(0.1)"},
		{"float32 inf", float32(math.Inf(1)), "float(+Inf)"},
		{"named float", Celsius(21.5), "float(21.5)"},
		{"duration", 2 * time.Second, "int(2000000000)"},
		{"month", time.March, "int(3)"},
		{"string", "héllo\x00", `"héllo\x00"`},
		{"empty string", "", `""`},
		{"bytes", []byte("raw"), `"raw"`},
		{"nil bytes", []byte(nil), "nil"},
		{"slice", []int{10, 20, 30}, "{int(1)=int(10) int(2)=int(20) int(3)=int(30)}"},
		{"array", [2]string{"a", "b"}, `{int(1)="a" int(2)="b"}`},
		{"byte array", [2]byte{1, 2}, "{int(1)=int(1) int(2)=int(2)}"},
		{"slice of any", []any{1, "x", nil, true}, `{int(1)=int(1) int(2)="x" int(4)=true}`},
		{"map", map[string]int{"a": 1, "b": 2}, "{\"a\"=int(1) \"b\"=int(2)}"},
		{"int map", map[int]string{1: "one", 5: "five"}, `{int(1)="one" int(5)="five"}`},
		{"float key", map[float64]bool{1.0: true, 2.5: false}, "{float(2.5)=false int(1)=true}"},
		{"bool key", map[bool]int{true: 1}, "{true=int(1)}"},
		{"any key", map[any]int{"k": 1, 2: 2}, "{\"k\"=int(1) int(2)=int(2)}"},
		{"nested", map[string][]float64{"v": {0.5}}, "{\"v\"={int(1)=float(0.5)}}"},
		{"nil map", nilMap, "nil"},
		{"nil slice", nilSlice, "nil"},
		{"nil pointer", nilPtr, "nil"},
		{"pointer", &x, "int(7)"},
		{"pointer to pointer", func() **int { p := &x; return &p }(), "int(7)"},
		{"struct", Inner{1, 2}, "{\"X\"=int(1) \"Y\"=int(2)}"},
		{"struct pointer", &Inner{3, 4}, "{\"X\"=int(3) \"Y\"=int(4)}"},
		{"tags", tagged{Host: "h", Secret: "s", Dash: 1, private: 2}, `{"-"=int(1) "host"="h" "inner"={"X"=int(0) "Y"=int(0)}}`},
		{"tags omitempty", tagged{Port: 80, Empty: "e"}, `{"-"=int(0) "Empty"="e" "host"="" "inner"={"X"=int(0) "Y"=int(0)} "port"=int(80)}`},
		{"embedded", withEmbedded{Base: Base{ID: 1, Name: "base"}, Inner: &Inner{5, 6}, Name: "outer"},
			`{"ID"=int(1) "Name"="outer" "X"=int(5) "Y"=int(6)}`},
		{"embedded nil pointer", withEmbedded{Name: "n"}, `{"ID"=int(0) "Name"="n"}`},
		{"time", time.Unix(1700000000, 999999999), "int(1700000000)"},
		{"value", lunar.Float(3), "float(3)"},
		{"value in slice", []lunar.Value{lunar.String("v")}, `{int(1)="v"}`},
		{"table", lunar.NewTable(0, 0), "{}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := lunar.ToValue(tt.in)
			if err != nil {
				t.Fatalf("ToValue(%#v): %v", tt.in, err)
			}
			if got := describe(v); got != tt.want {
				t.Errorf("ToValue(%#v) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

type Node struct {
	Name string
	Next *Node
}

type ring struct {
	Items []any
}

func TestToValueErrors(t *testing.T) {
	cyclic := &Node{Name: "a"}
	cyclic.Next = &Node{Name: "b", Next: cyclic}
	m := map[string]any{}
	m["self"] = m
	s := []any{nil}
	s[0] = s
	r := &ring{}
	r.Items = []any{r}
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"uint64 overflow", uint64(math.MaxUint64), "lunar: 18446744073709551615 overflows a Lua integer"},
		{"uint overflow in field", struct{ N uint }{math.MaxInt64 + 1}, "lunar: N: 9223372036854775808 overflows a Lua integer"},
		{"chan", make(chan int), "lunar: cannot convert chan int to a Lua value"},
		{"complex", []complex128{1}, "lunar: [1]: cannot convert complex128 to a Lua value"},
		{"nested path", map[string][]any{"list": {1, struct{ C chan int }{}}}, "lunar: list[2].C: cannot convert chan int to a Lua value"},
		{"odd key path", map[string]any{"a b": make(chan int)}, `lunar: ["a b"]: cannot convert chan int to a Lua value`},
		{"bad key type", map[[2]int]int{}, "lunar: cannot convert map key type [2]int to a Lua value"},
		{"NaN key", map[float64]int{math.NaN(): 1}, "lunar: [nan]: table index is NaN"},
		{"cyclic pointers", cyclic, "cyclic value"},
		{"cyclic map", m, "cyclic value"},
		{"cyclic slice", s, "cyclic value"},
		{"cyclic through interface", r, "cyclic value"},
		{"bad func", func(chan int) {}, "lunar: cannot make a Lua function of func(chan int): parameter 1: unsupported type chan int"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := lunar.ToValue(tt.in)
			if err == nil {
				t.Fatalf("ToValue: no error, want %q", tt.want)
			}
			var ce *lunar.ConversionError
			if !errors.As(err, &ce) {
				t.Errorf("error %T is not a *ConversionError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want %q", err, tt.want)
			}
		})
	}
}

func TestEmbeddedDominance(t *testing.T) {
	type A struct{ X, Tie, Tagged int }
	type B struct {
		Tie    int
		Tagged int `lua:"Tagged"`
	}
	type Outer struct {
		A
		B
	}
	v, err := lunar.ToValue(Outer{A{1, 2, 3}, B{4, 5}})
	if err != nil {
		t.Fatal(err)
	}
	// Tie is ambiguous (hidden); Tagged comes from the tagged field.
	if got, want := describe(v), `{"Tagged"=int(5) "X"=int(1)}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	var back Outer
	tb := lunar.NewTable(0, 4)
	tb.SetStr("X", lunar.Int(7))
	tb.SetStr("Tie", lunar.Int(8))
	tb.SetStr("Tagged", lunar.Int(9))
	if err := lunar.FromValue(lunar.TableValue(tb), &back); err != nil {
		t.Fatal(err)
	}
	if want := (Outer{A{7, 0, 0}, B{0, 9}}); back != want {
		t.Errorf("FromValue = %+v, want %+v", back, want)
	}
}

type config struct {
	Name     string            `lua:"name"`
	Port     uint16            `lua:"port"`
	Ratio    float32           `lua:"ratio"`
	Enabled  bool              `lua:"enabled"`
	Tags     []string          `lua:"tags"`
	Limits   map[string]int    `lua:"limits"`
	Servers  []server          `lua:"servers"`
	Backup   *server           `lua:"backup"`
	Extra    any               `lua:"extra"`
	Data     []byte            `lua:"data"`
	Grid     [2][2]int8        `lua:"grid"`
	Started  time.Time         `lua:"started"`
	Timeout  time.Duration     `lua:"timeout"`
	Headers  map[string]string `lua:"headers"`
	Callback lunar.Value       `lua:"callback"`
	Base
}

type server struct {
	Host string `lua:"host"`
	Port int    `lua:"port"`
}

func TestRoundTrip(t *testing.T) {
	tests := []any{
		true,
		int(-5),
		int8(-128),
		uint8(255),
		uint32(math.MaxUint32),
		int64(math.MaxInt64),
		uint64(math.MaxInt64),
		float32(0.1),
		float64(math.SmallestNonzeroFloat64),
		math.Inf(-1),
		"string with \x00 byte",
		[]byte{0, 1, 255},
		[]int{1, 2, 3},
		[]string{},
		[3]bool{true, false, true},
		map[string]float64{"pi": 3.14159},
		map[int64]string{-1: "neg", 1 << 40: "big"},
		map[bool][]int{true: {1}},
		Inner{X: 1, Y: -1},
		&Inner{X: 2},
		[]*Inner{{X: 1}, {Y: 2}},
		Celsius(-40),
		config{
			Name: "svc", Port: 8080, Ratio: 0.25, Enabled: true,
			Tags:    []string{"a", "b"},
			Limits:  map[string]int{"rps": 100},
			Servers: []server{{"a", 1}, {"b", 2}},
			Backup:  &server{"c", 3},
			Extra:   map[string]any{"list": []any{int64(1), "two", 3.5}, "flag": false},
			Data:    []byte("bytes"),
			Grid:    [2][2]int8{{1, 2}, {3, 4}},
			Started: time.Unix(1700000000, 0),
			Timeout: 3 * time.Second,
			Headers: map[string]string{"Content-Type": "text/plain"},
			Base:    Base{ID: 9, Name: "base"},
		},
		map[string]any{"nested": map[string]any{"deep": []any{[]any{int64(1)}}}},
	}
	for _, in := range tests {
		t.Run(fmt.Sprintf("%T", in), func(t *testing.T) {
			v, err := lunar.ToValue(in)
			if err != nil {
				t.Fatalf("ToValue: %v", err)
			}
			out := reflect.New(reflect.TypeOf(in))
			if err := lunar.FromValue(v, out.Interface()); err != nil {
				t.Fatalf("FromValue: %v", err)
			}
			got := out.Elem().Interface()
			if c, ok := got.(config); ok {
				// time.Unix gives local times; compare instants.
				if !c.Started.Equal(in.(config).Started) {
					t.Errorf("Started = %v, want %v", c.Started, in.(config).Started)
				}
				c.Started = in.(config).Started
				got = c
			}
			if !reflect.DeepEqual(got, in) {
				t.Errorf("round trip of %#v gave %#v", in, got)
			}
		})
	}
}

func TestFromValueLua(t *testing.T) {
	s := lunar.NewState()
	res, err := s.DoString("input", `
		return {
			NAME = "api",            -- matched case-insensitively
			port = 443,
			ratio = 1,               -- an integer into a float32
			enabled = true,
			tags = {"x", "y", "z"},
			limits = {rps = 10, burst = 20.0},
			servers = {{host = "h1", port = "81"}, {host = "h2", port = 82}},
			backup = {host = "b"},
			extra = {1, 2, {k = "v"}},
			data = "\0\1",
			grid = {{1}, {3, 4, 5}},
			started = 86400,
			callback = function() end,
			unknown = "ignored",
			[1] = "ignored too",
			id = 12,
		}`)
	if err != nil {
		t.Fatal(err)
	}
	var c config
	c.Timeout = time.Minute // kept: no key for it
	if err := lunar.FromValue(res[0], &c); err != nil {
		t.Fatal(err)
	}
	want := config{
		Name: "api", Port: 443, Ratio: 1, Enabled: true,
		Tags:    []string{"x", "y", "z"},
		Limits:  map[string]int{"rps": 10, "burst": 20},
		Servers: []server{{"h1", 81}, {"h2", 82}},
		Backup:  &server{Host: "b"},
		Extra:   []any{int64(1), int64(2), map[string]any{"k": "v"}},
		Data:    []byte{0, 1},
		Grid:    [2][2]int8{{1, 0}, {3, 4}},
		Started: time.Unix(86400, 0),
		Timeout: time.Minute,
		Base:    Base{ID: 12},
	}
	if !c.Callback.IsFunction() {
		t.Errorf("Callback = %v, want a function", c.Callback.TypeName())
	}
	c.Callback = lunar.Nil
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got  %+v\nwant %+v", c, want)
	}
}

func TestFromValueErrors(t *testing.T) {
	s := lunar.NewState()
	eval := func(src string) lunar.Value {
		t.Helper()
		res, err := s.DoString("input", "return "+src)
		if err != nil {
			t.Fatal(err)
		}
		return res[0]
	}
	tests := []struct {
		src    string
		target any
		want   string
	}{
		{"1.5", new(int), "lunar: number has no integer representation"},
		{"'abc'", new(int64), "lunar: number expected, got string"},
		{"300", new(uint8), "lunar: number 300 out of range for uint8"},
		{"-1", new(uint), "lunar: number -1 out of range for uint"},
		{"1 << 31", new(int32), "lunar: number 2147483648 out of range for int32"},
		{"2^31", new(int32), "lunar: number 2147483648.0 out of range for int32"},
		{"1e300", new(float32), "lunar: number 1e+300 out of range for float32"},
		{"1", new(bool), "lunar: boolean expected, got number"},
		{"{}", new(string), "lunar: string expected, got table"},
		{"'x'", new([]int), "lunar: table expected, got string"},
		{"{1, 'two'}", new([]int), "lunar: [2]: number expected, got string"},
		{"{servers = {{port = 'x'}}}", new(config), "lunar: servers[1].port: number expected, got string"},
		{"{limits = {a = 1.5}}", new(config), "lunar: limits.a: number has no integer representation"},
		{"{[{}] = 1}", new(map[string]int), "lunar: [?]: string expected, got table"},
		{"{[{}] = 1}", new(any), "lunar: cannot convert a table key of type table to a string"},
		{"{[{}] = 1}", new(map[any]int), "lunar: [?]: cannot use a table as a map key"},
		{"print", new(func(int) int), "lunar: cannot convert a Lua function to func(int) int without a state (use State.FromValue)"},
		{"function() end", new(lunar.GoFunction), "lunar: cannot convert a Lua function to lunar.GoFunction"},
		{"1", new(*lunar.Table), "lunar: table expected, got number"},
		{"1", new(chan int), "lunar: cannot convert number to chan int"},
		{"1", new(fmt.Stringer), "lunar: cannot convert number to fmt.Stringer"},
		{"{year = 2024}", new(time.Time), "lunar: field 'month' missing in date table"},
		{"setmetatable({}, {__name = 'Point'})", new(int), "lunar: number expected, got Point"},
		{"1", 7, "lunar: FromValue needs a non-nil pointer, got int"},
		{"1", (*int)(nil), "lunar: FromValue needs a non-nil pointer, got *int"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			err := lunar.FromValue(eval(tt.src), tt.target)
			if err == nil || err.Error() != tt.want {
				t.Errorf("FromValue(%s, %T) = %v, want %q", tt.src, tt.target, err, tt.want)
			}
		})
	}
}

func TestCycles(t *testing.T) {
	s := lunar.NewState()
	res, err := s.DoString("input", `
		local t = {name = "loop"}
		t.next = t
		local seq = {1, 2}
		seq[3] = seq
		return t, seq`)
	if err != nil {
		t.Fatal(err)
	}
	var x any
	if err := lunar.FromValue(res[0], &x); err == nil || !strings.Contains(err.Error(), "cyclic value") {
		t.Errorf("FromValue(cyclic, *any) = %v, want cyclic value", err)
	}
	var n Node
	if err := lunar.FromValue(res[0], &n); err == nil || !strings.Contains(err.Error(), "cyclic value") {
		t.Errorf("FromValue(cyclic, *Node) = %v, want cyclic value", err)
	}
	// A target type without the recursion stops it.
	var flat struct{ Name string }
	if err := lunar.FromValue(res[0], &flat); err != nil || flat.Name != "loop" {
		t.Errorf("FromValue(cyclic, flat) = %v, %+v", err, flat)
	}
	// Interface ends cycles with nil.
	m, ok := res[0].Interface().(map[string]any)
	if !ok || m["name"] != "loop" {
		t.Fatalf("Interface() = %#v", res[0].Interface())
	}
	if next, ok := m["next"]; !ok || next != nil {
		t.Errorf("Interface() of a table holding itself: next = %#v, want nil", m["next"])
	}
	if seq, ok := res[1].Interface().([]any); !ok || len(seq) != 3 || seq[0] != int64(1) {
		t.Errorf("Interface(seq) = %#v", res[1].Interface())
	}
}

func TestInterface(t *testing.T) {
	s := lunar.NewState()
	ud := lunar.NewUserdata(&Inner{1, 2}, nil)
	s.SetGlobal("ud", lunar.UserdataValue(ud))
	res, err := s.DoString("input", `
		return nil, true, 3, 2.5, "s", {}, {1, 2, 3}, {1, nil, 3}, {a = 1, [2] = "two", [1.5] = "f", [true] = "t", [{}] = "skipped"},
			ud, print, coroutine.create(print)`)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{
		nil, true, int64(3), 2.5, "s",
		map[string]any{},
		[]any{int64(1), int64(2), int64(3)},
		map[string]any{"1": int64(1), "3": int64(3)},
		map[string]any{"a": int64(1), "2": "two", "1.5": "f", "true": "t"},
		&Inner{1, 2},
	}
	for i, w := range want {
		if got := res[i].Interface(); !reflect.DeepEqual(got, w) {
			t.Errorf("result %d: Interface() = %#v, want %#v", i+1, got, w)
		}
	}
	if fn, ok := res[10].Interface().(lunar.Value); !ok || !fn.IsFunction() {
		t.Errorf("function: Interface() = %#v", res[10].Interface())
	}
	if th, ok := res[11].Interface().(*lunar.Thread); !ok || th == nil {
		t.Errorf("thread: Interface() = %#v", res[11].Interface())
	}
	// FromValue gives a userdata's Data to a target of its type.
	var p *Inner
	if err := lunar.FromValue(res[9], &p); err != nil || p != ud.Data {
		t.Errorf("FromValue(userdata, **Inner) = %v, %p", err, p)
	}
	var str fmt.Stringer
	ud.Data = time.Second
	if err := lunar.FromValue(res[9], &str); err != nil || str != time.Second {
		t.Errorf("FromValue(userdata, *fmt.Stringer) = %v, %v", err, str)
	}
}

func TestTimeConversion(t *testing.T) {
	s := lunar.NewState()
	res, err := s.DoString("input", `return 1.25, {year = 2024, month = 2, day = 29}, {year = 2024, month = 2, day = 29, hour = 0, min = 30, sec = 5}, "100"`)
	if err != nil {
		t.Fatal(err)
	}
	var tm time.Time
	want := []time.Time{
		time.Unix(1, 250000000),
		time.Date(2024, 2, 29, 12, 0, 0, 0, time.Local),
		time.Date(2024, 2, 29, 0, 30, 5, 0, time.Local),
		time.Unix(100, 0),
	}
	for i, w := range want {
		if err := lunar.FromValue(res[i], &tm); err != nil || !tm.Equal(w) {
			t.Errorf("FromValue(%d) = %v, %v; want %v", i+1, err, tm, w)
		}
	}
}

// typedState returns a state with typed Go functions registered.
func typedState(t testing.TB) *lunar.State {
	s := lunar.NewState()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.RegisterFunc("add", func(a, b int64) int64 { return a + b }))
	must(s.RegisterFunc("hypot", math.Hypot))
	must(s.RegisterFunc("upper", strings.ToUpper))
	must(s.RegisterFunc("trim", strings.TrimSpace))
	must(s.RegisterFunc("atoi", func(s string) (int, error) {
		var n int
		_, err := fmt.Sscan(s, &n)
		if err != nil {
			return 0, fmt.Errorf("atoi: bad number %q", s)
		}
		return n, nil
	}))
	must(s.RegisterFunc("small", func(a int8, b uint16) int32 { return int32(a) + int32(b) }))
	must(s.RegisterFunc("divmod", func(a, b int) (int, int, error) {
		if b == 0 {
			return 0, 0, errors.New("division by zero")
		}
		return a / b, a % b, nil
	}))
	must(s.RegisterFunc("join", func(sep string, parts ...string) string { return strings.Join(parts, sep) }))
	must(s.RegisterFunc("count", func(args ...lunar.Value) int { return len(args) }))
	must(s.RegisterFunc("sum", func(xs []float64) float64 {
		total := 0.0
		for _, x := range xs {
			total += x
		}
		return total
	}))
	must(s.RegisterFunc("addr", func(sv server) string { return fmt.Sprintf("%s:%d", sv.Host, sv.Port) }))
	must(s.RegisterFunc("servers", func(n int) []server {
		out := make([]server, n)
		for i := range out {
			out[i] = server{fmt.Sprint("h", i+1), 8000 + i}
		}
		return out
	}))
	must(s.RegisterFunc("opt", func(p *int, flag bool) string {
		if p == nil {
			return fmt.Sprint("nil ", flag)
		}
		return fmt.Sprint(*p, " ", flag)
	}))
	must(s.RegisterFunc("each", func(th *lunar.Thread, items []string, fn lunar.Value) error {
		for i, it := range items {
			if _, err := th.Call(fn, lunar.Int(int64(i+1)), lunar.String(it)); err != nil {
				return err
			}
		}
		return nil
	}))
	must(s.RegisterFunc("describe", func(x any) string { return fmt.Sprintf("%T %v", x, x) }))
	must(s.RegisterFunc("nothing", func() {}))
	must(s.RegisterFunc("fail", func(string) error { return errors.New("failed on purpose") }))
	must(s.RegisterFunc("pair", func() (string, bool) { return "p", true }))
	type handler func(string) string
	must(s.RegisterFunc("named", handler(func(s string) string { return s + "!" })))
	must(s.RegisterFunc("raw", lunar.GoFunction(func(th *lunar.Thread, args []lunar.Value) (int, error) {
		th.Push(lunar.Int(int64(len(args))))
		return 1, nil
	})))
	must(s.RegisterFunc("now", func() time.Time { return time.Unix(42, 0) }))
	must(s.RegisterFunc("module", func() map[string]any {
		return map[string]any{"double": func(x float64) float64 { return 2 * x }}
	}))
	return s
}

func TestTypedFuncs(t *testing.T) {
	s := typedState(t)
	tests := []struct {
		src  string
		want string
	}{
		{"add(2, 3)", "int(5)"},
		{"add(2.0, '3')", "int(5)"},
		{"hypot(3, 4)", "float(5)"},
		{"upper('abc')", `"ABC"`},
		{"upper(12)", `"12"`},
		{"atoi('42')", "int(42)"},
		{"small(-1, 65535)", "int(65534)"},
		{"select(2, divmod(7, 2))", "int(1)"},
		{"join(', ', 'a', 'b', 'c')", `"a, b, c"`},
		{"join('-')", `""`},
		{"count(1, nil, 3)", "int(3)"},
		{"sum({1, 2, 3.5})", "float(6.5)"},
		{"addr({host = 'example.com', port = 80})", `"example.com:80"`},
		{"servers(2)[2].host", `"h2"`},
		{"#servers(3)", "int(3)"},
		{"opt()", `"nil false"`},
		{"opt(5, true)", `"5 true"`},
		{"(function() local out = {} each({'a', 'b'}, function(i, s) out[i] = s .. i end) return out[2] end)()", `"b2"`},
		{"describe({1, 2})", `"[]interface {} [1 2]"`},
		{"describe({x = 1.5})", `"map[string]interface {} map[x:1.5]"`},
		{"describe(nil)", `"<nil> <nil>"`},
		{"select('#', nothing())", "int(0)"},
		{"select('#', pair())", "int(2)"},
		{"named('hi')", `"hi!"`},
		{"raw(1, 2, 3)", "int(3)"},
		{"now()", "int(42)"},
		{"module().double(4)", "float(8)"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			res, err := s.DoString("input", "return "+tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if len(res) == 0 {
				t.Fatal("no results")
			}
			if got := describe(res[0]); got != tt.want {
				t.Errorf("%s = %s, want %s", tt.src, got, tt.want)
			}
		})
	}
}

func TestTypedFuncErrors(t *testing.T) {
	s := typedState(t)
	tests := []struct {
		src  string
		want string
	}{
		{"add('x', 1)", "input:1: bad argument #1 to 'add' (number expected, got string)"},
		{"add(1)", "input:1: bad argument #2 to 'add' (number expected, got no value)"},
		{"add(1, nil)", "input:1: bad argument #2 to 'add' (number expected, got nil)"},
		{"add(1.5, 1)", "input:1: bad argument #1 to 'add' (number has no integer representation)"},
		{"hypot({}, 1)", "input:1: bad argument #1 to 'hypot' (number expected, got table)"},
		{"upper()", "input:1: bad argument #1 to 'upper' (string expected, got no value)"},
		{"atoi('x')", `input:1: atoi: bad number "x"`},
		{"small(200, 1)", "input:1: bad argument #1 to 'small' (number 200 out of range for int8)"},
		{"small(1, -1)", "input:1: bad argument #2 to 'small' (number -1 out of range for uint16)"},
		{"small(1, 'x')", "input:1: bad argument #2 to 'small' (number expected, got string)"},
		{"divmod(1, 0)", "input:1: division by zero"},
		{"join(',', 'a', {})", "input:1: bad argument #3 to 'join' (string expected, got table)"},
		{"sum({1, 'x'})", "input:1: bad argument #1 to 'sum' ([2]: number expected, got string)"},
		{"sum(5)", "input:1: bad argument #1 to 'sum' (table expected, got number)"},
		{"addr({host = 'h', port = 1.5})", "input:1: bad argument #1 to 'addr' (port: number has no integer representation)"},
		{"addr()", "input:1: bad argument #1 to 'addr' (table expected, got no value)"},
		{"opt('x')", "input:1: bad argument #1 to 'opt' (number expected, got string)"},
		{"opt(1, 1)", "input:1: bad argument #2 to 'opt' (boolean expected, got number)"},
		{"each({'a'}, function() error('inner') end)", "input:1: inner"},
		{"fail('x')", "input:1: failed on purpose"},
		{"local t = {} t.f = upper t.f(true)", "input:1: bad argument #1 to 'f' (string expected, got boolean)"},
		{"describe(setmetatable({}, {__index = function() end}), 1)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := s.DoString("input", tt.src)
			if tt.want == "" {
				if err != nil {
					t.Errorf("%s: %v", tt.src, err)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Errorf("%s: error %v, want %q", tt.src, err, tt.want)
			}
		})
	}
	// A Lua error from a callback reaches the host as the *Error it was.
	_, err := s.DoString("input", "each({'a'}, function() error({code = 7}) end)")
	var le *lunar.Error
	if !errors.As(err, &le) || !le.Value.IsTable() {
		t.Errorf("callback error = %v, want the table raised", err)
	}
	// pcall catches errors of typed functions.
	res, err := s.DoString("input", "return pcall(add, 'x', 1)")
	if err != nil || res[0].AsBool() || describe(res[1]) != `"bad argument #1 to 'add' (number expected, got string)"` {
		t.Errorf("pcall(add, 'x', 1) = %v, %v", describe(res[1]), err)
	}
}

func TestWrapFuncErrors(t *testing.T) {
	tests := []struct {
		fn   any
		want string
	}{
		{42, "lunar: cannot make a Lua function of int"},
		{(func(int) int)(nil), "lunar: cannot make a Lua function of a nil func(int) int"},
		{func(chan int) {}, "lunar: cannot make a Lua function of func(chan int): parameter 1: unsupported type chan int"},
		{func() complex64 { return 0 }, "lunar: cannot make a Lua function of func() complex64: result 1: unsupported type complex64"},
		{func(func(chan int)) {}, "parameter 1: cannot convert a Lua function to func(chan int): parameter 1: unsupported type chan int"},
		{func(map[[2]int]int) {}, "parameter 1: unsupported map key type [2]int"},
		{func(struct{ C chan int }) {}, "parameter 1: unsupported type chan int"},
	}
	for _, tt := range tests {
		_, err := lunar.WrapFunc("f", tt.fn)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("WrapFunc(%T) = %v, want %q", tt.fn, err, tt.want)
		}
	}
	// Recursive types are accepted.
	if _, err := lunar.WrapFunc("f", func(n *Node) *Node { return n }); err != nil {
		t.Errorf("WrapFunc(func(*Node) *Node) = %v", err)
	}
}

func TestTypedFuncNoAllocs(t *testing.T) {
	s := typedState(t)
	res, err := s.DoString("input", `return function(n)
		local x = 0
		for i = 1, n do x = add(x, 1) + #trim(" ab ") + hypot(3, 4) end
		return x
	end`)
	if err != nil {
		t.Fatal(err)
	}
	th := s.MainThread()
	fn := res[0]
	if _, err := th.Call1(fn, lunar.Int(10)); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(10, func() {
		if _, err := th.Call1(fn, lunar.Int(1000)); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 0 {
		t.Errorf("calling typed functions 3000 times allocated %v times", allocs)
	}
}

// BenchmarkTypedFuncCall measures a call of a registered Go function from
// Lua: one op is one call. Fast-path signatures must report 0 allocs/op.
func BenchmarkTypedFuncCall(b *testing.B) {
	cases := []struct {
		name string
		fn   any
		call string
	}{
		{"GoFunction", lunar.GoFunction(func(th *lunar.Thread, args []lunar.Value) (int, error) {
			a, err := th.CheckInteger(args, 1)
			if err != nil {
				return 0, err
			}
			c, err := th.CheckInteger(args, 2)
			if err != nil {
				return 0, err
			}
			th.Push(lunar.Int(a + c))
			return 1, nil
		}), "f(x, 1)"},
		{"int64,int64", func(a, b int64) int64 { return a + b }, "f(x, 1)"},
		{"float64", math.Sqrt, "f(x)"},
		{"string", strings.TrimSpace, "#f(' x ')"},
		{"string,error", func(s string) (int, error) { return len(s), nil }, "f('abc')"},
		{"reflect/int32,int32", func(a, b int32) int32 { return a + b }, "f(1, 1)"},
		{"reflect/struct", func(s server) int { return s.Port }, "f(sv)"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			s := lunar.NewState()
			if err := s.RegisterFunc("f", c.fn); err != nil {
				b.Fatal(err)
			}
			res, err := s.DoString("bench", `local f = f return function(n)
				local x, sv = 0, {host = "h", port = 1}
				for i = 1, n do x = x + `+c.call+` end
				return x
			end`)
			if err != nil {
				b.Fatal(err)
			}
			benchRunN(b, s, res[0])
		})
	}
}

// benchRunN calls fn(1) once to warm up, then times fn(b.N): fn runs the
// measured operation n times in a Lua loop.
func benchRunN(b *testing.B, s *lunar.State, fn lunar.Value) {
	th := s.MainThread()
	if _, err := th.Call1(fn, lunar.Int(1)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	if _, err := th.Call1(fn, lunar.Int(int64(b.N))); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkToValue and BenchmarkFromValue convert a small struct.
func BenchmarkToValue(b *testing.B) {
	c := config{Name: "svc", Port: 80, Tags: []string{"a", "b"}, Servers: []server{{"h", 1}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := lunar.ToValue(&c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFromValue(b *testing.B) {
	v, err := lunar.ToValue(config{Name: "svc", Port: 80, Tags: []string{"a", "b"}, Servers: []server{{"h", 1}}})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var c config
		if err := lunar.FromValue(v, &c); err != nil {
			b.Fatal(err)
		}
	}
}

// One wrapped function (and one converted table) may be shared by states
// running on different goroutines.
func TestTypedFuncConcurrent(t *testing.T) {
	fast, err := lunar.WrapFunc("fast", func(a, b int64) int64 { return a + b })
	if err != nil {
		t.Fatal(err)
	}
	slow, err := lunar.WrapFunc("slow", func(sv server, xs ...int32) string { return fmt.Sprint(sv.Host, len(xs)) })
	if err != nil {
		t.Fatal(err)
	}
	prog, err := lunar.Compile("conc", []byte(`
		local n = 0
		for i = 1, 200 do n = fast(n, 1) + #slow({host = "h"}, 1, 2) - 2 end
		return n`))
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			s := lunar.NewState()
			s.SetGlobal("fast", fast)
			s.SetGlobal("slow", slow)
			res, err := s.Run(t.Context(), prog)
			if err == nil && res[0].AsInt() != 200 {
				err = fmt.Errorf("got %s", describe(res[0]))
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
