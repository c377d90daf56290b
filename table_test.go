package lunar

import (
	"math"
	"testing"
)

func TestTableArrayAndHash(t *testing.T) {
	tb := NewTable(0, 0)
	for i := int64(1); i <= 100; i++ {
		tb.SetInt(i, Int(i*i))
	}
	if tb.Length() != 100 || len(tb.arr) != 100 {
		t.Fatalf("length %d, array part %d", tb.Length(), len(tb.arr))
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
