package lunar

import (
	"fmt"
	"math"
	"testing"
)

func TestTableArrayAndHash(t *testing.T) {
	tb := NewTable(0, 0)
	for i := int64(1); i <= 100; i++ {
		tb.SetInt(i, Int(i*i))
	}
	// The array part has the reference's size: the power of two that 100
	// appended keys grow it to.
	if tb.Length() != 100 || tb.ArrayLen() != 128 {
		t.Fatalf("length %d, array part %d", tb.Length(), tb.ArrayLen())
	}
	tb.SetStr("x", String("y"))
	if tb.GetStr("x").AsString() != "y" || tb.Get(String("x")).AsString() != "y" {
		t.Fatal("string key")
	}
	// Float keys with integral values are integers.
	tb.Set(Float(3), String("three"))
	if tb.GetInt(3).AsString() != "three" {
		t.Fatal("float key not normalised")
	}
	if err := tb.Set(Float(math.NaN()), True); err != errNaNIndex {
		t.Fatalf("NaN key: %v", err)
	}
	if err := tb.Set(Nil, True); err != errNilIndex {
		t.Fatalf("nil key: %v", err)
	}
}

func TestTableReverseFillMigrates(t *testing.T) {
	tb := NewTable(0, 0)
	for i := int64(50); i >= 1; i-- {
		tb.SetInt(i, Int(i))
	}
	if tb.Length() != 50 {
		t.Fatalf("length %d", tb.Length())
	}
	for i := int64(1); i <= 50; i++ {
		if tb.GetInt(i).AsInt() != i {
			t.Fatalf("t[%d] = %v", i, tb.GetInt(i))
		}
	}
}

func TestTableNextWhileClearing(t *testing.T) {
	tb := NewTable(0, 0)
	for i := int64(1); i <= 10; i++ {
		tb.SetInt(i, Int(i))
		tb.SetStr(string(rune('a'+i)), Int(i))
	}
	seen := 0
	k := Nil
	for {
		nk, _, ok, err := tb.Next(k)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		seen++
		tb.Set(nk, Nil) // clearing fields during traversal is allowed
		k = nk
	}
	if seen != 20 || tb.Count() != 0 {
		t.Fatalf("seen %d, left %d", seen, tb.Count())
	}
}

func TestTableBorderWithHoles(t *testing.T) {
	tb := NewTable(0, 0)
	for i := int64(1); i <= 8; i++ {
		tb.SetInt(i, True)
	}
	tb.SetInt(8, Nil)
	n := tb.Length()
	if n != 7 {
		t.Fatalf("border %d", n)
	}
	tb.SetInt(4, Nil)
	n = tb.Length()
	if !(tb.GetInt(n+1).IsNil() && (n == 0 || !tb.GetInt(n).IsNil())) {
		t.Fatalf("%d is not a border", n)
	}
}

func TestTableManyKeys(t *testing.T) {
	tb := NewTable(0, 0)
	for i := 0; i < 10000; i++ {
		tb.Set(Float(float64(i)+0.5), Int(int64(i)))
	}
	for i := 0; i < 10000; i++ {
		if v := tb.Get(Float(float64(i) + 0.5)); v.AsInt() != int64(i) {
			t.Fatalf("key %v: %v", float64(i)+0.5, v)
		}
	}
	for i := 0; i < 10000; i += 2 {
		tb.Set(Float(float64(i)+0.5), Nil)
	}
	if tb.Count() != 5000 {
		t.Fatalf("count %d", tb.Count())
	}
}

func TestComputeSizes(t *testing.T) {
	tests := []struct {
		keys          []int64
		size, inArray int
	}{
		{nil, 0, 0},
		{[]int64{1}, 1, 1},
		{[]int64{2}, 0, 0},
		{[]int64{1, 2, 4}, 4, 3},
		{[]int64{1, 3}, 1, 1},
		{[]int64{1, 2, 3, 5}, 4, 3},
		{[]int64{1, 2, 3, 5, 6}, 8, 5},
		{[]int64{2, 4, 7}, 0, 0},
		{[]int64{1, 1 << 31}, 1, 1},
	}
	for _, tt := range tests {
		var nums [maxArrayBits + 1]int
		ints := 0
		for _, k := range tt.keys {
			if b := arrayBucket(Int(k)); b >= 0 {
				nums[b]++
				ints++
			}
		}
		if size, in := computeSizes(&nums, ints); size != tt.size || in != tt.inArray {
			t.Errorf("keys %v: size %d with %d keys, want %d with %d", tt.keys, size, in, tt.size, tt.inArray)
		}
	}
}

// TestTableLengthHint checks that reads past the hint of Length move it
// (as the reference's luaH_getint does) and that the array part keeps
// its size and its values when the storage is shared.
func TestTableLengthHint(t *testing.T) {
	tb := NewTable(0, 0)
	for i := int64(1); i <= 8; i++ {
		tb.SetInt(i, Int(i))
	}
	tb.SetInt(8, Nil)
	if n := tb.Length(); n != 7 || len(tb.arr) != 7 || cap(tb.arr) != 8 {
		t.Fatalf("length %d, hint %d, size %d", n, len(tb.arr), cap(tb.arr))
	}
	tb.SetInt(4, Nil)
	if tb.GetInt(8) != Nil || len(tb.arr) != 8 {
		t.Fatalf("hint %d after reading t[8]", len(tb.arr))
	}
	tb.SetInt(7, Nil)
	// From the hint 8 the search is a binary one (from 7 it would be 6).
	if n := tb.Length(); n != 3 {
		t.Fatalf("length %d after a read of t[8], want 3", n)
	}
	shared := &Table{arr: tb.arr, shared: true}
	shared.SetInt(8, True)
	if tb.GetInt(8) != Nil || shared.GetInt(8) != True || shared.GetInt(6).AsInt() != 6 {
		t.Fatal("write to shared storage")
	}
}

// FuzzTableModel drives a table with random integer, float, string and
// boolean keys (sets, deletions, array-style appends and removals) and
// checks it against a Go map after every step: lookups, the number of
// entries a full traversal with Next visits (each key once), and that #
// is a border.
func FuzzTableModel(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 200, 201, 17, 33, 65})
	f.Add([]byte{9, 9, 9, 1, 1, 1, 130, 131, 132, 133, 7, 7, 250, 251})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 600 {
			ops = ops[:600] // each step checks the whole table
		}
		tb := NewTable(0, 0)
		type entry struct{ k, v Value }
		model := map[string]entry{} // by a key's text: strings are not comparable as Values
		id := func(k Value) string { return k.TypeName() + ":" + fmt.Sprint(k.Interface()) }
		key := func(b byte) Value {
			switch b % 4 {
			case 0, 1:
				return Int(int64(b>>2) - 4) // small integers, a few non-positive
			case 2:
				return String(string(rune('a' + b>>3)))
			}
			return Float(float64(b>>2) + 0.5)
		}
		for i := 0; i+1 < len(ops); i += 2 {
			k, op := key(ops[i]), ops[i+1]
			switch {
			case op < 100: // set
				v := Int(int64(op) + 1)
				if err := tb.Set(k, v); err != nil {
					t.Fatal(err)
				}
				model[id(k)] = entry{k, v}
			case op < 170: // delete
				if err := tb.Set(k, Nil); err != nil {
					t.Fatal(err)
				}
				delete(model, id(k))
			case op < 220: // append at the border
				n := tb.Length()
				tb.SetInt(n+1, Int(int64(op)))
				model[id(Int(n+1))] = entry{Int(n + 1), Int(int64(op))}
			default: // remove the last element
				if n := tb.Length(); n > 0 {
					tb.SetInt(n, Nil)
					delete(model, id(Int(n)))
				}
			}
			for _, e := range model {
				if got := tb.Get(e.k); got != e.v {
					t.Fatalf("step %d: t[%s] = %v, want %v", i/2, id(e.k), got, e.v)
				}
			}
			seen := 0
			for k, _, ok, err := tb.Next(Nil); ok; k, _, ok, err = tb.Next(k) {
				if err != nil {
					t.Fatal(err)
				}
				if _, in := model[id(k)]; !in {
					t.Fatalf("step %d: Next visits %s, not in the table", i/2, id(k))
				}
				seen++
			}
			if seen != len(model) {
				t.Fatalf("step %d: Next visits %d keys, want %d", i/2, seen, len(model))
			}
			n := tb.Length()
			if n < 0 || (n > 0 && tb.GetInt(n).IsNil()) || !tb.GetInt(n+1).IsNil() {
				t.Fatalf("step %d: #t = %d is not a border", i/2, n)
			}
		}
	})
}
