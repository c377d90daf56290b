package lunar

import (
	"errors"
	"hash/maphash"
	"math"
	"math/bits"
	"unique"
	"unsafe"
)

// Table is a Lua table: an array part for the keys 1..len(arr) and a hash
// part with open addressing over Values. Keys follow §2.1: float keys with
// an integral value are stored as integers, nil and NaN are rejected.
//
// Assigning nil to an existing key keeps the key in place (its slot becomes
// dead but still chains probes), so that next continues to work while a
// traversal clears fields; dead slots are dropped at the next resize.
type Table struct {
	arr  []Value
	node []node // len is 0 or a power of two
	// used counts occupied hash slots, live or dead.
	used int
	meta *Table
	// absent caches, for a table used as a metatable, which metamethods it
	// is known not to have (bit i for TagMethod i). Cleared whenever a key
	// is added.
	absent uint32
	// mode is the weakness declared by __mode (set by setmetatable).
	weak weakMode
	// acct, when set, accumulates the bytes the table allocates as it
	// grows (the run's memory accounting, see Limits.Memory).
	acct *int64
	// shared marks storage (arr and node) shared with a template's table
	// (see Libraries): it is copied before the first write.
	shared bool
}

// unshare gives the table storage of its own before a write.
func (t *Table) unshare() {
	t.arr = append(make([]Value, 0, cap(t.arr)), t.arr...)
	t.node = append([]node(nil), t.node...)
	t.shared = false
}

// Sizes used by the memory accounting.
const (
	valueSize       = 16
	nodeSize        = 32
	tableBaseSize   = 96
	closureBaseSize = 48
)

type weakMode uint8

const (
	weakKeys weakMode = 1 << iota
	weakValues
)

type node struct {
	key Value
	val Value
}

// Errors a raw table assignment can report; the runtime turns them into
// Lua errors with a position.
var (
	errNilIndex = errors.New("table index is nil")
	errNaNIndex = errors.New("table index is NaN")
)

var hashSeed = maphash.MakeSeed()

// maxInternLen is the longest string interned as a table key.
const maxInternLen = 40

// internString returns the canonical copy of s (weakly held by Go's
// unique package).
func internString(s string) string { return unique.Make(s).Value() }

// NewTable returns an empty table with room for narr array items and nhash
// other entries.
func NewTable(narr, nhash int) *Table {
	// Small tables get their storage in the same allocation as the table
	// itself: half the allocations for records like {x = 1, y = 2} and
	// short lists, which matters to the collector more than the bytes.
	switch hs := hashSizeFor(nhash); {
	case narr == 0 && hs > 0 && hs <= smallHash:
		st := &smallHashTable{}
		st.t.node = st.n[:hs]
		return &st.t
	case nhash == 0 && narr > 0 && narr <= smallArray:
		st := &smallArrayTable{}
		st.t.arr = st.a[:0:narr]
		return &st.t
	}
	t := &Table{}
	if narr > 0 {
		t.arr = make([]Value, 0, narr)
	}
	if nhash > 0 {
		t.node = make([]node, hashSizeFor(nhash))
	}
	return t
}

// Storage sizes of the single-allocation small tables.
const (
	smallHash  = 4
	smallArray = 4
)

type smallHashTable struct {
	t Table
	n [smallHash]node
}

type smallArrayTable struct {
	t Table
	a [smallArray]Value
}

// hashSizeFor returns the power-of-two slot count for n entries at a load
// factor of at most 3/4.
func hashSizeFor(n int) int {
	if n <= 0 {
		return 0
	}
	need := n + n/3 + 1
	return 1 << bits.Len(uint(need-1))
}

func hashString(s string) uint64 { return maphash.String(hashSeed, s) }

func mix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	return x
}

// hashValue hashes a normalised key.
func hashValue(k Value) uint64 {
	switch k.p {
	case pInt, pFloat, pBool:
		return mix(k.n ^ uint64(uintptr(k.p)))
	}
	if k.tag() == tagString {
		return hashString(k.AsString())
	}
	return mix(uint64(uintptr(k.p)))
}

// normKey converts float keys with integer values to integers.
func normKey(k Value) Value {
	if k.p == pFloat {
		if i, ok := FloatToInteger(k.AsFloat()); ok {
			return Int(i)
		}
	}
	return k
}

// keyEq compares two normalised keys for identity.
func keyEq(a, b Value) bool {
	if a.n != b.n {
		return false
	}
	if a.p == b.p {
		return true
	}
	// Same tag and length: strings with equal bytes are equal keys.
	if a.isObject() && a.tag() == tagString && b.isObject() {
		return a.AsString() == b.AsString()
	}
	return false
}

// Get returns t[k] without metamethods.
func (t *Table) Get(k Value) Value {
	switch k.p {
	case pInt:
		return t.GetInt(int64(k.n))
	case pFloat:
		if i, ok := FloatToInteger(k.AsFloat()); ok {
			return t.GetInt(i)
		}
	case nil:
		if k.n == 0 {
			return Nil
		}
	}
	if k.isObject() && k.tag() == tagString {
		return t.GetStr(k.AsString())
	}
	if len(t.node) == 0 {
		return Nil
	}
	if i := t.findSlot(k, hashValue(k)); i >= 0 {
		return t.node[i].val
	}
	return Nil
}

// GetInt returns t[i] without metamethods.
func (t *Table) GetInt(i int64) Value {
	if uint64(i-1) < uint64(len(t.arr)) {
		return t.arr[i-1]
	}
	if len(t.node) == 0 {
		return Nil
	}
	k := Int(i)
	mask := uint64(len(t.node) - 1)
	for h := hashValue(k) & mask; ; h = (h + 1) & mask {
		n := &t.node[h]
		if n.key.p == pInt && n.key.n == k.n {
			return n.val
		}
		if n.key.p == nil && n.key.n == 0 {
			return Nil
		}
	}
}

// GetStr returns t[s] without metamethods.
func (t *Table) GetStr(s string) Value {
	if len(t.node) == 0 {
		return Nil
	}
	return t.getStrHash(s, hashString(s))
}

// getStrHash looks up a string key whose hash is already known.
func (t *Table) getStrHash(s string, h uint64) Value {
	if len(t.node) == 0 {
		return Nil
	}
	mask := uint64(len(t.node) - 1)
	want := tagString<<tagShift | uint64(len(s))
	data := unsafe.Pointer(unsafe.StringData(s))
	for i := h & mask; ; i = (i + 1) & mask {
		n := &t.node[i]
		if n.key.n == want {
			if kp := n.key.p; kp == data || (kp != pInt && kp != pFloat && kp != pBool && kp != nil &&
				unsafe.String((*byte)(kp), len(s)) == s) {
				return n.val
			}
		}
		if n.key.p == nil && n.key.n == 0 {
			return Nil
		}
	}
}

// findSlot returns the slot holding key k (normalised, non-nil), or -1.
func (t *Table) findSlot(k Value, h uint64) int {
	if len(t.node) == 0 {
		return -1
	}
	mask := uint64(len(t.node) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		n := &t.node[i]
		if keyEq(n.key, k) {
			return int(i)
		}
		if n.key.p == nil && n.key.n == 0 {
			return -1
		}
	}
}

// Set assigns t[k] = v without metamethods. It fails only for a nil or NaN
// key.
func (t *Table) Set(k, v Value) error {
	switch k.p {
	case pInt:
		t.SetInt(int64(k.n), v)
		return nil
	case pFloat:
		f := k.AsFloat()
		if i, ok := FloatToInteger(f); ok {
			t.SetInt(i, v)
			return nil
		}
		if f != f {
			return errNaNIndex
		}
	case nil:
		if k.n == 0 {
			return errNilIndex
		}
	}
	t.setHash(k, hashValue(k), v)
	return nil
}

// SetStr assigns t[s] = v without metamethods.
func (t *Table) SetStr(s string, v Value) {
	t.setHash(String(s), hashString(s), v)
}

// SetInt assigns t[i] = v without metamethods.
func (t *Table) SetInt(i int64, v Value) {
	if t.shared {
		t.unshare()
	}
	if uint64(i-1) < uint64(len(t.arr)) {
		t.arr[i-1] = v
		return
	}
	if i == int64(len(t.arr))+1 && (len(t.node) == 0 || t.findSlot(Int(i), hashValue(Int(i))) < 0) {
		if v.IsNil() {
			return
		}
		if len(t.arr) == cap(t.arr) && t.acct != nil {
			*t.acct += int64(cap(t.arr)+1) * valueSize
		}
		t.arr = append(t.arr, v)
		t.migrateFromHash()
		return
	}
	if i > int64(len(t.arr)) && i <= int64(cap(t.arr)) && !v.IsNil() {
		// Inside the preallocated array part (a constructor's size, say):
		// extend it, bringing in any keys of the gap held by the hash.
		old := len(t.arr)
		t.arr = t.arr[:i]
		if t.used > 0 {
			for j := old + 1; j <= int(i); j++ {
				k := Int(int64(j))
				if s := t.findSlot(k, hashValue(k)); s >= 0 {
					t.arr[j-1] = t.node[s].val
					t.node[s].val = Nil
				}
			}
		}
		t.arr[i-1] = v
		t.migrateFromHash()
		return
	}
	t.setHash(Int(i), hashValue(Int(i)), v)
}

// migrateFromHash moves the keys that now continue the array part out of
// the hash part.
func (t *Table) migrateFromHash() {
	if t.used == 0 {
		return
	}
	for {
		k := Int(int64(len(t.arr)) + 1)
		i := t.findSlot(k, hashValue(k))
		if i < 0 || t.node[i].val.IsNil() {
			return
		}
		t.arr = append(t.arr, t.node[i].val)
		t.node[i].val = Nil // the key stays as a dead slot
	}
}

func (t *Table) setHash(k Value, h uint64, v Value) { t.setHashKey(k, h, v, false) }

// setHashKey is setHash; interned says k is already a canonical string
// (a constant of a function), which spares the interning of a new key.
func (t *Table) setHashKey(k Value, h uint64, v Value, interned bool) {
	if t.shared {
		t.unshare()
	}
	if len(t.node) > 0 {
		mask := uint64(len(t.node) - 1)
		for i := h & mask; ; i = (i + 1) & mask {
			n := &t.node[i]
			if keyEq(n.key, k) {
				if n.val.IsNil() {
					// A dead key comes back to life: it may be a
					// metamethod cached as absent.
					t.absent = 0
				}
				n.val = v
				return
			}
			if n.key.p == nil && n.key.n == 0 {
				break
			}
		}
	}
	if v.IsNil() {
		return // assigning nil to an absent key changes nothing
	}
	if !interned && k.isObject() && k.tag() == tagString && k.strLen() <= maxInternLen {
		// New short string keys are interned like constants, so that the
		// VM's constant-key lookups hit by pointer comparison.
		k = String(internString(k.AsString()))
	}
	if (t.used+1)*4 > len(t.node)*3 {
		t.resize(k)
		// The new key may belong to the (possibly grown) array part.
		if k.p == pInt && uint64(int64(k.n)-1) < uint64(len(t.arr)) {
			t.arr[int64(k.n)-1] = v
			return
		}
		if k.p == pInt && int64(k.n) == int64(len(t.arr))+1 {
			t.arr = append(t.arr, v)
			t.migrateFromHash()
			return
		}
	}
	t.absent = 0
	t.insertNew(k, h, v)
}

// insertNew puts a key known to be absent into a free slot.
func (t *Table) insertNew(k Value, h uint64, v Value) {
	mask := uint64(len(t.node) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		n := &t.node[i]
		if n.key.p == nil && n.key.n == 0 {
			n.key, n.val = k, v
			t.used++
			return
		}
	}
}

// resize rebuilds the table so that it has room for one more key (extra),
// choosing the array part size as the reference does: the largest n such
// that more than half of the slots 1..n would be in use.
func (t *Table) resize(extra Value) {
	var nums [65]int // nums[b]: integer keys k with 2^(b-1) < k <= 2^b
	total := 0
	countInt := func(k Value) {
		if k.p == pInt {
			i := int64(k.n)
			if i >= 1 && i <= 1<<40 {
				nums[bits.Len64(uint64(i-1))]++
			}
		}
	}
	for i, v := range t.arr {
		if !v.IsNil() {
			nums[bits.Len64(uint64(i))]++
			total++
		}
	}
	live := 0
	for i := range t.node {
		n := &t.node[i]
		if !n.val.IsNil() {
			live++
			countInt(n.key)
		}
	}
	countInt(extra)
	totalInts := total
	for i := range t.node {
		if !t.node[i].val.IsNil() && t.node[i].key.p == pInt {
			i64 := int64(t.node[i].key.n)
			if i64 >= 1 && i64 <= 1<<40 {
				totalInts++
			}
		}
	}
	if extra.p == pInt && int64(extra.n) >= 1 && int64(extra.n) <= 1<<40 {
		totalInts++
	}
	// Optimal array size.
	arrSize, a, cum := 0, 0, 0
	for b, twotoi := 0, 1; b < len(nums) && twotoi > 0 && totalInts > twotoi/2; b, twotoi = b+1, twotoi*2 {
		cum += nums[b]
		if cum > twotoi/2 {
			arrSize = twotoi
			a = cum
		}
	}
	_ = a
	if arrSize < len(t.arr) {
		arrSize = len(t.arr) // never shrink the array part here
	}
	oldNode := t.node
	oldArr := t.arr
	if t.acct != nil {
		*t.acct += int64(arrSize-cap(oldArr)+len(oldNode)) * valueSize
	}
	// Build the new array part: the old one plus integer keys from the hash.
	newArr := oldArr
	if arrSize > cap(oldArr) {
		newArr = make([]Value, len(oldArr), arrSize)
		copy(newArr, oldArr)
	}
	inArray := func(k Value) bool {
		return k.p == pInt && int64(k.n) >= 1 && int64(k.n) <= int64(arrSize)
	}
	hashCount := 1 // the new key
	for i := range oldNode {
		n := &oldNode[i]
		if !n.val.IsNil() && !inArray(n.key) {
			hashCount++
		}
	}
	t.node = nil
	if sz := hashSizeFor(hashCount); sz > 0 {
		t.node = make([]node, sz)
	}
	t.used = 0
	t.absent = 0
	// Place integer keys that fall in the array range; the array's length
	// grows only over its contiguous prefix.
	var pending []node
	for i := range oldNode {
		n := &oldNode[i]
		if n.val.IsNil() {
			continue
		}
		if inArray(n.key) {
			idx := int64(n.key.n) - 1
			if idx < int64(len(newArr)) {
				newArr[idx] = n.val
			} else {
				pending = append(pending, *n)
			}
			continue
		}
		t.insertNew(n.key, hashValue(n.key), n.val)
	}
	if len(pending) > 0 {
		// Extend the array part to cover the pending keys; holes are nil.
		maxIdx := int64(len(newArr))
		for _, n := range pending {
			if int64(n.key.n) > maxIdx {
				maxIdx = int64(n.key.n)
			}
		}
		for int64(len(newArr)) < maxIdx {
			newArr = append(newArr, Nil)
		}
		for _, n := range pending {
			newArr[int64(n.key.n)-1] = n.val
		}
	}
	t.arr = newArr
	if t.node == nil {
		t.node = make([]node, 4)
	}
}

// Length returns a border of the table (§3.4.7) without metamethods.
func (t *Table) Length() int64 {
	n := len(t.arr)
	if n > 0 && t.arr[n-1].IsNil() {
		if n >= 2 && !t.arr[n-2].IsNil() {
			// The slot before is the border (the case after a removal from
			// the end), checked first as the reference does.
			return int64(n - 1)
		}
		// Binary search for a border inside the array part.
		lo, hi := 0, n // arr[lo-1] non-nil (or lo==0), arr[hi-1] nil
		for hi-lo > 1 {
			m := (lo + hi) / 2
			if t.arr[m-1].IsNil() {
				hi = m
			} else {
				lo = m
			}
		}
		return int64(lo)
	}
	if t.used == 0 || t.GetInt(int64(n)+1).IsNil() {
		return int64(n)
	}
	// Unbounded search in the hash part.
	i, j := int64(n)+1, int64(n)+2
	for !t.GetInt(j).IsNil() {
		i = j
		if j > math.MaxInt64/2 {
			// Pathological: linear search.
			k := int64(1)
			for !t.GetInt(k).IsNil() {
				k++
			}
			return k - 1
		}
		j *= 2
	}
	for j-i > 1 {
		m := (i + j) / 2
		if t.GetInt(m).IsNil() {
			j = m
		} else {
			i = m
		}
	}
	return i
}

// Next returns the entry that follows key k in a traversal (k nil starts
// one); ok is false at the end. It fails for a key that is not in the
// table.
func (t *Table) Next(k Value) (key, val Value, ok bool, err error) {
	var start int // position in the combined sequence: array then hash
	if k.IsNil() {
		start = 0
	} else {
		k = normKey(k)
		if k.p == pInt && uint64(int64(k.n)-1) < uint64(len(t.arr)) {
			start = int(int64(k.n))
		} else {
			i := t.findSlot(k, hashValue(k))
			if i < 0 {
				return Nil, Nil, false, errInvalidNext
			}
			start = len(t.arr) + i + 1
		}
	}
	for i := start; i < len(t.arr); i++ {
		if !t.arr[i].IsNil() {
			return Int(int64(i) + 1), t.arr[i], true, nil
		}
	}
	for i := max(start-len(t.arr), 0); i < len(t.node); i++ {
		n := &t.node[i]
		if !n.val.IsNil() {
			return n.key, n.val, true, nil
		}
	}
	return Nil, Nil, false, nil
}

var errInvalidNext = errors.New("invalid key to 'next'")

// Metatable returns the table's metatable, or nil.
func (t *Table) Metatable() *Table { return t.meta }

// SetMetatable sets the table's metatable (nil removes it) without any
// check for __metatable.
func (t *Table) SetMetatable(mt *Table) {
	t.meta = mt
	t.weak = 0
	if mt != nil {
		if m := mt.GetStr("__mode"); m.IsString() {
			for _, c := range m.AsString() {
				switch c {
				case 'k':
					t.weak |= weakKeys
				case 'v':
					t.weak |= weakValues
				}
			}
		}
	}
}

// ArrayLen returns how many slots the array part has (for sizing
// decisions; not the length operator).
func (t *Table) ArrayLen() int { return len(t.arr) }

// Count returns the number of non-nil entries (O(n)).
func (t *Table) Count() int {
	c := 0
	for _, v := range t.arr {
		if !v.IsNil() {
			c++
		}
	}
	for i := range t.node {
		if !t.node[i].val.IsNil() {
			c++
		}
	}
	return c
}
