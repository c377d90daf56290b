package stdlib

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	"github.com/lunar-lua/lunar"
)

// tableSliceData is a tableSortData over a Go slice with an order given
// by a Go function, for testing the sort engine without a State.
type tableSliceData struct {
	a     []lunar.Value // a[0] is unused: Lua indices start at 1
	order func(a, b lunar.Value) bool
	cmps  int
}

func (d *tableSliceData) get(i int64) (lunar.Value, error) { return d.a[i], nil }

func (d *tableSliceData) set(i int64, v lunar.Value) error {
	d.a[i] = v
	return nil
}

func (d *tableSliceData) less(a, b lunar.Value) (bool, error) {
	d.cmps++
	return d.order(a, b), nil
}

func tableIntLess(a, b lunar.Value) bool { return a.AsInt() < b.AsInt() }

func TestTableSortEngine(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	inputs := map[string]func(n int) []int64{
		"random": func(n int) []int64 {
			s := make([]int64, n)
			for i := range s {
				s[i] = rng.Int64N(int64(n/2 + 1))
			}
			return s
		},
		"ascending": func(n int) []int64 {
			s := make([]int64, n)
			for i := range s {
				s[i] = int64(i)
			}
			return s
		},
		"descending": func(n int) []int64 {
			s := make([]int64, n)
			for i := range s {
				s[i] = int64(n - i)
			}
			return s
		},
		"equal": func(n int) []int64 { return make([]int64, n) },
		"organ": func(n int) []int64 {
			s := make([]int64, n)
			for i := range s {
				s[i] = int64(min(i, n-i))
			}
			return s
		},
	}
	for name, gen := range inputs {
		for _, n := range []int{0, 1, 2, 3, 4, 5, 7, 99, 100, 101, 1000, 20000} {
			vals := gen(n)
			d := &tableSliceData{a: make([]lunar.Value, n+1), order: tableIntLess}
			for i, v := range vals {
				d.a[i+1] = lunar.Int(v)
			}
			s := tableSortEngine{d: d}
			if err := s.sort(1, int64(n), 0); err != nil {
				t.Fatalf("%s/%d: %v", name, n, err)
			}
			for i := 2; i <= n; i++ {
				if d.a[i].AsInt() < d.a[i-1].AsInt() {
					t.Fatalf("%s/%d: not sorted at %d", name, n, i)
				}
			}
			if n > 100 && d.cmps > 40*n*tableBitsLen(n) {
				t.Errorf("%s/%d: %d comparisons", name, n, d.cmps)
			}
		}
	}
}

func tableBitsLen(n int) int {
	b := 0
	for ; n > 0; n >>= 1 {
		b++
	}
	return b
}

// TestTableSortInconsistent checks that order functions that are not
// strict orders end the sort (with or without errTableSortOrder) without
// leaving the interval.
func TestTableSortInconsistent(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	orders := map[string]func(a, b lunar.Value) bool{
		"always":  func(a, b lunar.Value) bool { return true },
		"le":      func(a, b lunar.Value) bool { return a.AsInt() <= b.AsInt() },
		"random":  func(a, b lunar.Value) bool { return rng.IntN(2) == 0 },
		"reverse": func(a, b lunar.Value) bool { return a.AsInt() >= b.AsInt() },
	}
	for name, less := range orders {
		errors := 0
		for n := 2; n < 400; n += 7 {
			d := &tableSliceData{a: make([]lunar.Value, n+1), order: less}
			for i := 1; i <= n; i++ {
				d.a[i] = lunar.Int(rng.Int64N(10))
			}
			// tableSliceData panics on an index outside 0..n.
			err := (&tableSortEngine{d: d}).sort(1, int64(n), 0)
			if err != nil && err != errTableSortOrder {
				t.Fatalf("%s/%d: %v", name, n, err)
			}
			if err != nil {
				errors++
			}
		}
		if name == "always" && errors == 0 {
			t.Errorf("%s: no error detected", name)
		}
	}
}

// tableRun runs Lua code in a fresh state with the standard libraries and
// returns what it printed.
func tableRun(t testing.TB, code string) string {
	t.Helper()
	var out bytes.Buffer
	s := lunar.NewState(lunar.WithStdout(&out), lunar.WithStderr(&out))
	OpenAll(s)
	if _, err := s.DoString("=test", code); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	return out.String()
}

func TestTableLua(t *testing.T) {
	tests := []struct{ code, want string }{
		{`local t = {} for i = 1, 5 do table.insert(t, i) end table.insert(t, 1, 0) print(table.concat(t, ","))`, "0,1,2,3,4,5\n"},
		{`local t = {1, 2, 3} print(table.remove(t, 1), table.remove(t), #t, t[1])`, "1\t3\t1\t2\n"},
		{`print(pcall(table.insert, {}, 5, 1))`, "false\tbad argument #2 to 'table.insert' (position out of bounds)\n"},
		{`print(pcall(table.insert, {}, 1, 2, 3))`, "false\twrong number of arguments to 'insert'\n"},
		{`print(pcall(table.concat, {1, {}}))`, "false\tinvalid value (table) at index 2 in table for 'concat'\n"},
		{`local t = {5, 1, 4} table.sort(t, function(a, b) return a > b end) print(table.concat(t, " "))`, "5 4 1\n"},
		{`print(pcall(table.sort, {3, 2, 1, 4, 5, 6}, function() return true end))`, "false\tinvalid order function for sorting\n"},
		{`print(pcall(table.unpack, {}, 1, 1e8))`, "false\ttoo many results to unpack\n"},
		{`print(table.unpack(table.pack(1, nil, 3), 1, 3))`, "1\tnil\t3\n"},
		{`print(table.move({1, 2, 3}, 1, 3, 3)[5])`, "3\n"},
		{`local p = setmetatable({}, {__index = function(_, k) return k * 10 end, __len = function() return 3 end})
		  print(table.concat(p, "+"), table.unpack(p))`, "10+20+30\t10\t20\t30\n"},
	}
	for _, tc := range tests {
		if got := tableRun(t, tc.code); got != tc.want {
			t.Errorf("%s\n got %q\nwant %q", tc.code, got, tc.want)
		}
	}
}

// tableLuaFunction compiles a chunk that returns a function and returns
// that function and the state's main thread.
func tableLuaFunction(t testing.TB, setup, body string) (*lunar.Thread, lunar.Value) {
	t.Helper()
	s := lunar.NewState()
	OpenAll(s)
	prog, err := lunar.Compile("test", []byte(setup+"\nreturn function(N) "+body+" end"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Run(context.Background(), prog)
	if err != nil {
		t.Fatal(err)
	}
	th := s.MainThread()
	if _, err := th.Call(res[0], lunar.Int(10)); err != nil { // warm up
		t.Fatal(err)
	}
	return th, res[0]
}

// TestTableNoAlloc checks that insert, remove and concat on plain tables
// allocate nothing but their result.
func TestTableNoAlloc(t *testing.T) {
	tests := []struct {
		name, setup, body string
		allocs            float64
	}{
		{"insert/remove", "local t = {} for i = 1, 100 do t[i] = i end local insert, remove = table.insert, table.remove",
			"for i = 1, N do insert(t, i) remove(t) insert(t, 1, i) remove(t, 1) end", 0},
		{"concat", `local t = {} for i = 1, 20 do t[i] = "item" .. i end local concat = table.concat`,
			"for i = 1, N do concat(t, ',') end", 1},
		{"unpack", "local t = {1, 2, 3, 4} local unpack = table.unpack", "for i = 1, N do unpack(t) end", 0},
	}
	for _, tc := range tests {
		th, fn := tableLuaFunction(t, tc.setup, tc.body)
		got := testing.AllocsPerRun(20, func() {
			if _, err := th.Call1(fn, lunar.Int(100)); err != nil {
				t.Fatal(err)
			}
		})
		if got > tc.allocs*100+1 {
			t.Errorf("%s: %.0f allocations for 100 iterations, want at most %.0f", tc.name, got, tc.allocs*100)
		}
	}
}

// tableBench runs body (a Lua function of N) with b.N.
func tableBench(b *testing.B, setup, body string) {
	th, fn := tableLuaFunction(b, setup, body)
	b.ReportAllocs()
	b.ResetTimer()
	if _, err := th.Call1(fn, lunar.Int(int64(b.N))); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkTableInsert: one op is a table.insert at the end and a
// table.remove of it, on a plain table of 1000 items.
func BenchmarkTableInsert(b *testing.B) {
	tableBench(b, "local t = {} for i = 1, 1000 do t[i] = i end local insert, remove = table.insert, table.remove",
		"for i = 1, N do insert(t, i) remove(t) end")
}

// BenchmarkTableInsertFront: one op is table.insert(t, 1, v) and
// table.remove(t, 1) on a plain table of 100 items.
func BenchmarkTableInsertFront(b *testing.B) {
	tableBench(b, "local t = {} for i = 1, 100 do t[i] = i end local insert, remove = table.insert, table.remove",
		"for i = 1, N do insert(t, 1, i) remove(t, 1) end")
}

// BenchmarkTableSort: one op sorts 1000 integers (refilled each time).
func BenchmarkTableSort(b *testing.B) {
	tableBench(b, "local src, t = {}, {} for i = 1, 1000 do src[i] = (i * 7919) % 1000 end local sort = table.sort",
		"for i = 1, N do for j = 1, 1000 do t[j] = src[j] end sort(t) end")
}

// BenchmarkTableSortComparator: one op sorts 1000 integers with a Lua
// order function.
func BenchmarkTableSortComparator(b *testing.B) {
	tableBench(b, `local src, t = {}, {} for i = 1, 1000 do src[i] = (i * 7919) % 1000 end local sort = table.sort
		local function gt(a, b) return a > b end`,
		"for i = 1, N do for j = 1, 1000 do t[j] = src[j] end sort(t, gt) end")
}

// BenchmarkTableSortStrings: one op sorts 1000 strings.
func BenchmarkTableSortStrings(b *testing.B) {
	tableBench(b, `local src, t = {}, {} for i = 1, 1000 do src[i] = "k" .. (i * 7919) % 1000 end local sort = table.sort`,
		"for i = 1, N do for j = 1, 1000 do t[j] = src[j] end sort(t) end")
}

// BenchmarkConcat: one op is table.concat of 100 strings.
func BenchmarkConcat(b *testing.B) {
	tableBench(b, `local t = {} for i = 1, 100 do t[i] = "item" .. i end local concat = table.concat`,
		"for i = 1, N do concat(t, ', ') end")
}

// BenchmarkConcatNumbers: one op is table.concat of 100 integers.
func BenchmarkConcatNumbers(b *testing.B) {
	tableBench(b, `local t = {} for i = 1, 100 do t[i] = i * 1000 end local concat = table.concat`,
		"for i = 1, N do concat(t, ' ') end")
}

// BenchmarkTableUnpack: one op unpacks 4 values.
func BenchmarkTableUnpack(b *testing.B) {
	tableBench(b, "local t = {1, 2, 3, 4} local unpack = table.unpack",
		"local s = 0 for i = 1, N do local a, b, c, d = unpack(t) s = s + d end return s")
}
