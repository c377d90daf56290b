package stdlib

import (
	"errors"
	"math"
	"time"

	"github.com/lunar-lua/lunar"
)

// tableSortData is what the sort engine works on: the elements 1..n of a
// list and a "less than" order, each of which may fail (metamethods and
// comparators are Lua code).
type tableSortData interface {
	get(i int64) (lunar.Value, error)
	set(i int64, v lunar.Value) error
	less(a, b lunar.Value) (bool, error)
}

// errTableSortOrder reports an order function that is not a consistent
// strict order; the Lua wrapper turns it into the reference's message.
var errTableSortOrder = errors.New("invalid order function for sorting")

// tableSortRanLimit is the size of a slice from which the pivot is chosen
// at random (once the partitions have proven unbalanced).
const tableSortRanLimit = 100

// tableSortEngine is an in-place quicksort in the manner of the
// reference's: median of three, partition around a pivot kept in a[up-1],
// recursion on the smaller half and a loop on the larger one, and a
// randomized pivot when partitions get too unbalanced. It detects
// inconsistent order functions instead of running out of the interval.
type tableSortEngine struct {
	d tableSortData
}

func (s *tableSortEngine) swap(i, j int64, ai, aj lunar.Value) error {
	if err := s.d.set(i, aj); err != nil {
		return err
	}
	return s.d.set(j, ai)
}

// sort sorts a[lo..up]; rnd is 0 or a random number for pivot choice.
func (s *tableSortEngine) sort(lo, up int64, rnd uint64) error {
	d := s.d
	for lo < up {
		// Sort a[lo], a[p], a[up] among themselves.
		alo, err := d.get(lo)
		if err != nil {
			return err
		}
		aup, err := d.get(up)
		if err != nil {
			return err
		}
		lt, err := d.less(aup, alo)
		if err != nil {
			return err
		}
		if lt {
			if err := s.swap(lo, up, alo, aup); err != nil {
				return err
			}
		}
		if up-lo == 1 {
			return nil // two elements, sorted
		}
		var p int64
		if up-lo < tableSortRanLimit || rnd == 0 {
			p = lo + (up-lo)/2
		} else {
			r4 := uint64(up-lo) / 4
			p = int64(rnd%(r4*2)+r4) + lo
		}
		ap, err := d.get(p)
		if err != nil {
			return err
		}
		if alo, err = d.get(lo); err != nil {
			return err
		}
		if lt, err = d.less(ap, alo); err != nil {
			return err
		}
		if lt {
			if err := s.swap(p, lo, ap, alo); err != nil {
				return err
			}
		} else {
			if aup, err = d.get(up); err != nil {
				return err
			}
			if lt, err = d.less(aup, ap); err != nil {
				return err
			}
			if lt {
				if err := s.swap(p, up, ap, aup); err != nil {
					return err
				}
			}
		}
		if up-lo == 2 {
			return nil // three elements, sorted
		}
		// Move the pivot (the median) to a[up-1].
		pivot, err := d.get(p)
		if err != nil {
			return err
		}
		a1, err := d.get(up - 1)
		if err != nil {
			return err
		}
		if err := s.swap(p, up-1, pivot, a1); err != nil {
			return err
		}
		if p, err = s.partition(lo, up, pivot); err != nil {
			return err
		}
		// a[lo..p-1] <= a[p] == pivot <= a[p+1..up]: recurse into the
		// smaller side, loop on the larger one.
		var n int64
		if p-lo < up-p {
			if err := s.sort(lo, p-1, rnd); err != nil {
				return err
			}
			n = p - lo
			lo = p + 1
		} else {
			if err := s.sort(p+1, up, rnd); err != nil {
				return err
			}
			n = up - p
			up = p - 1
		}
		if (up-lo)/128 > n { // too unbalanced: randomize the pivot
			rnd = tableSortRandom()
		}
	}
	return nil
}

// partition partitions a[lo..up] around pivot, which is in a[up-1], and
// returns the pivot's final position. Invariant: a[lo..i] <= pivot <=
// a[j..up].
func (s *tableSortEngine) partition(lo, up int64, pivot lunar.Value) (int64, error) {
	d := s.d
	i, j := lo, up-1
	for {
		// Advance i while a[i] < pivot.
		var ai, aj lunar.Value
		for {
			i++
			var err error
			if ai, err = d.get(i); err != nil {
				return 0, err
			}
			lt, err := d.less(ai, pivot)
			if err != nil {
				return 0, err
			}
			if !lt {
				break
			}
			if i == up-1 { // a[i] < pivot, yet a[up-1] is the pivot
				return 0, errTableSortOrder
			}
		}
		// Retreat j while pivot < a[j].
		for {
			j--
			var err error
			if aj, err = d.get(j); err != nil {
				return 0, err
			}
			lt, err := d.less(pivot, aj)
			if err != nil {
				return 0, err
			}
			if !lt {
				break
			}
			if j < i { // pivot < a[j], yet a[j] is in the lower part
				return 0, errTableSortOrder
			}
		}
		if j < i {
			// Put the pivot in its place: swap a[up-1] and a[i].
			if err := s.swap(up-1, i, pivot, ai); err != nil {
				return 0, err
			}
			return i, nil
		}
		if err := s.swap(i, j, ai, aj); err != nil {
			return 0, err
		}
	}
}

// tableSortRandom returns a number to randomize pivots with.
func tableSortRandom() uint64 {
	n := uint64(time.Now().UnixNano())
	n ^= n >> 31
	n *= 0x9e3779b97f4a7c15
	return n | 1
}

// tableSortLua adapts a Lua list and order function to the engine.
type tableSortLua struct {
	tableAccess
	cmp lunar.Value // the order function, or nil for '<'
}

func (d *tableSortLua) less(a, b lunar.Value) (bool, error) {
	if d.cmp.IsNil() {
		if a.IsInt() && b.IsInt() {
			return a.AsInt() < b.AsInt(), nil
		}
		if a.IsString() && b.IsString() {
			return a.AsString() < b.AsString(), nil
		}
		return d.t.LessThan(a, b)
	}
	r, err := d.t.Call1(d.cmp, a, b)
	return r.Truthy(), err
}

// table.sort(list [, comp])
func tableSort(t *lunar.Thread, args []lunar.Value) (int, error) {
	a, err := tableCheck(t, args, 1, tableNeedRead|tableNeedWrite|tableNeedLen)
	if err != nil {
		return 0, err
	}
	n, err := a.length()
	if err != nil {
		return 0, err
	}
	if n <= 1 {
		return 0, nil
	}
	if n >= math.MaxInt32 {
		return 0, t.ArgError(1, "array too big")
	}
	d := &tableSortLua{tableAccess: a}
	if !lunar.IsNoneOrNil(args, 2) {
		if d.cmp, err = t.CheckFunction(args, 2); err != nil {
			return 0, err
		}
	}
	s := tableSortEngine{d: d}
	if err := s.sort(1, n, 0); err != nil {
		if err == errTableSortOrder {
			return 0, t.Errorf("invalid order function for sorting")
		}
		return 0, err
	}
	return 0, nil
}
