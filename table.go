package lunar

import (
	"errors"
	"hash/maphash"
	"math"
	"math/bits"
	"unique"
	"unsafe"
)

// Table is a Lua table: an array part and a hash part with open addressing
// over Values. Keys follow §2.1: float keys with an integral value are
// stored as integers, nil and NaN are rejected.
//
// The parts are sized as the reference implementation sizes them (its
// ltable.c), so that the length operator finds the same border in a table
// with holes: the array part has the reference's size and may hold nils;
// integer keys outside it live in the hash part; and when a new key finds
// the hash part full, counting nodes as the reference does, the table is
// rehashed with the array size chosen by computeSizes. See Length.
//
// Assigning nil to an existing key keeps the key in place (its slot becomes
// dead but still chains probes), so that next continues to work while a
// traversal clears fields; dead slots are dropped at the next rehash.
type Table struct {
	// arr is the array part, for the keys 1..cap(arr): cap(arr) is its
	// size and len(arr) the hint that the reference keeps to find a border
	// quickly (its alimit). The hint is the size, or, when the size is a
	// power of two, a position in its upper half; slots past it are read
	// through GetInt, which moves the hint (as luaH_getint does), so the
	// VM's fast paths index arr below len(arr) only.
	arr  []Value
	node []node // len is 0 or a power of two
	// used counts occupied hash slots, live or dead: the nodes the
	// reference has handed out since the last rehash.
	used int
	meta *Table
	// absent caches, for a table used as a metatable, which metamethods it
	// is known not to have (bit i for TagMethod i). Cleared whenever a key
	// is added.
	absent uint32
	// mode is the weakness declared by __mode (set by setmetatable).
	weak weakMode
	// hlog gives the reference's node count for the hash part: none when
	// 0, 1<<(hlog-1) otherwise. A new key that finds used at that count
	// rehashes the table. (len(node), the storage, is larger: open
	// addressing needs free slots.)
	hlog uint8
	// acct, when set, accumulates the bytes the table allocates as it
	// grows (the run's memory accounting, see Limits.Memory).
	acct *int64
	// shared marks storage (arr and node) shared with a template's table
	// (see Libraries): it is copied before the first write.
	shared bool
	// parked holds, during a sweep of weak tables only, the values of
	// ephemeron entries whose key is this table (see sweepWeak). Nil
	// otherwise. (The pointer fits the table's size class.)
	parked *[]Value
}

// unshare gives the table storage of its own before a write.
func (t *Table) unshare() {
	if c := cap(t.arr); c > 0 {
		arr := make([]Value, c)
		copy(arr, t.arr[:c])
		t.arr = arr[:len(t.arr)]
	}
	t.node = append([]node(nil), t.node...)
	t.shared = false
}

// array returns the whole array part, past the hint.
func (t *Table) array() []Value { return t.arr[:cap(t.arr)] }

// hashNodes returns the reference's node count for the hash part.
func (t *Table) hashNodes() int {
	if t.hlog == 0 {
		return 0
	}
	return 1 << (t.hlog - 1)
}

// nodesLog returns the hlog of a hash part sized for n keys: the
// reference rounds n up to a power of two.
func nodesLog(n int) uint8 {
	if n <= 0 {
		return 0
	}
	return uint8(bits.Len(uint(n-1))) + 1
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
	var t *Table
	switch hs := hashSizeFor(nhash); {
	case narr == 0 && hs > 0 && hs <= smallHash:
		st := &smallHashTable{}
		st.t.node = st.n[:hs]
		t = &st.t
	case nhash == 0 && narr > 0 && narr <= smallArray:
		st := &smallArrayTable{}
		st.t.arr = st.a[:narr:narr]
		return &st.t
	default:
		t = &Table{}
		if narr > 0 {
			t.arr = make([]Value, narr)
		}
		if hs > 0 {
			t.node = make([]node, hs)
		}
	}
	t.hlog = nodesLog(nhash)
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
	case pDeadKey:
		return k.n // the hash of the key it replaced
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
	if a.isObject() && a.tag() == tagString && b.isObject() && a.p != pDeadKey && b.p != pDeadKey {
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
	if uint64(i-1) < uint64(cap(t.arr)) {
		// Past the hint, inside the array part: the hint moves here, as
		// the reference's does ('#t' is probably here now).
		t.arr = t.arr[:i]
		return t.arr[i-1]
	}
	if t.used == 0 {
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
			if kp := n.key.p; kp == data || (kp != pInt && kp != pFloat && kp != pBool && kp != nil && kp != pDeadKey &&
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
		if keyEq(n.key, k) || (n.key.p == pDeadKey && n.key.n == h) {
			// (A removed key is found too, so that next can go on from
			// a key the traversal has just cleared.)
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
	if uint64(i-1) < uint64(cap(t.arr)) {
		t.arr = t.arr[:i] // the hint moves, as in GetInt
		t.arr[i-1] = v
		return
	}
	t.setHash(Int(i), hashValue(Int(i)), v)
}

func (t *Table) setHash(k Value, h uint64, v Value) { t.setHashKey(k, h, v, false) }

// setHashKey is setHash; interned says k is already a canonical string
// (a constant of a function), which spares the interning of a new key.
// An integer key k must be outside the array part.
func (t *Table) setHashKey(k Value, h uint64, v Value, interned bool) {
	if t.shared {
		t.unshare()
	}
	if t.used > 0 {
		mask := uint64(len(t.node) - 1)
		for i := h & mask; ; i = (i + 1) & mask {
			n := &t.node[i]
			dead := n.key.p == pDeadKey && n.key.n == h
			if dead || keyEq(n.key, k) {
				switch {
				case v.IsNil():
					if n.key.isObject() && !dead {
						// A removed key must not keep its object alive
						// (a big string, a table): keep only its hash,
						// which is all the slot needs for next and for
						// probing.
						n.key = Value{p: pDeadKey, n: h}
					}
				case n.val.IsNil():
					// A dead key comes back to life: it may be a
					// metamethod cached as absent.
					t.absent = 0
					if dead {
						if !interned && k.isObject() && k.tag() == tagString && k.strLen() <= maxInternLen {
							k = String(internString(k.AsString()))
						}
						n.key = k
					}
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
	t.absent = 0
	if t.used >= t.hashNodes() {
		// No free node left in the reference's terms: rehash, which may
		// give the key a place in the array part.
		t.rehash(k)
		if k.p == pInt && uint64(int64(k.n)-1) < uint64(len(t.arr)) {
			t.arr[int64(k.n)-1] = v
			return
		}
	}
	if (t.used+1)*4 > len(t.node)*3 {
		t.growNodes()
	}
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

// growNodes doubles the storage of the hash part, keeping every key, dead
// ones included: it changes nothing the program can see, the reference's
// node count included.
func (t *Table) growNodes() {
	old := t.node
	size := max(2*len(old), smallHash)
	if t.acct != nil {
		*t.acct += int64(size) * nodeSize
	}
	t.node, t.used = make([]node, size), 0
	for i := range old {
		if n := &old[i]; n.key.p != nil || n.key.n != 0 {
			t.insertNew(n.key, hashValue(n.key), n.val)
		}
	}
}

// maxArrayBits bounds the array part to the keys 1..1<<maxArrayBits (the
// reference's MAXABITS for a 32-bit int).
const maxArrayBits = 31

// arrayBucket returns the bucket of computeSizes's count that an integer
// key falls in, or -1 for a key that cannot live in the array part.
func arrayBucket(k Value) int {
	if k.p != pInt || uint64(int64(k.n)-1) >= 1<<maxArrayBits {
		return -1
	}
	return bits.Len64(k.n - 1)
}

// computeSizes returns the array size the reference picks: the largest
// power of two n such that more than n/2 of the keys 1..n are present,
// given nums[b], the count of keys k with 2^(b-1) < k <= 2^b, and ints,
// the count of all of them. inArray is how many keys the array gets.
func computeSizes(nums *[maxArrayBits + 1]int, ints int) (size, inArray int) {
	a := 0
	for b, twoToB := 0, 1; b <= maxArrayBits && ints > twoToB/2; b, twoToB = b+1, twoToB*2 {
		a += nums[b]
		if a > twoToB/2 {
			size, inArray = twoToB, a
		}
	}
	return size, inArray
}

// rehash resizes the table for its keys and the new key extra, as the
// reference does when a new key finds its hash part full: the array part
// gets the size computeSizes picks and the hash part room for the rest.
func (t *Table) rehash(extra Value) {
	var nums [maxArrayBits + 1]int
	ints := 0
	arr := t.array()
	for b, lo := 0, 0; lo < len(arr); b++ {
		hi := min(1<<b, len(arr))
		c := 0
		for _, v := range arr[lo:hi] {
			if !v.IsNil() {
				c++
			}
		}
		nums[b] += c
		ints += c
		lo = hi
	}
	inUse := ints // values in the array part
	live := 0     // live keys in the hash part
	for i := range t.node {
		if n := &t.node[i]; !n.val.IsNil() {
			live++
			if b := arrayBucket(n.key); b >= 0 {
				nums[b]++
				ints++
			}
		}
	}
	if b := arrayBucket(extra); b >= 0 {
		nums[b]++
		ints++
	}
	size, inArray := computeSizes(&nums, ints)
	nhash := inUse + live + 1 - inArray // all keys, the new one too, less the array's
	if size == len(arr) && live == t.used {
		// The common case of a growing record or dictionary: the array
		// part stays and the hash part has no dead keys to drop, so its
		// storage can stay too (growing when it must). The hint goes back
		// to the array size, as after any rehash.
		t.arr = arr
		t.hlog = nodesLog(nhash)
		if (t.used+1)*4 > len(t.node)*3 {
			t.growNodes()
		}
		return
	}
	t.resize(size, nhash)
}

// resizeArray gives the array part size slots, keeping the hash part's
// node count (OP_SETLIST's preallocation).
func (t *Table) resizeArray(size int) { t.resize(size, t.hashNodes()) }

// resize rebuilds the table with an array part of asize slots and a hash
// part sized for nhash keys, moving keys between the parts; the hint of
// Length goes back to the array size.
func (t *Table) resize(asize, nhash int) {
	if t.shared {
		t.unshare()
	}
	old := t.array()
	arr := old
	if asize != len(old) {
		arr = make([]Value, asize)
		copy(arr, old)
		if t.acct != nil {
			*t.acct += int64(asize) * valueSize
		}
	}
	t.arr = arr
	t.hlog = nodesLog(nhash)
	moved := false // does an array slot that goes away hold a value?
	for _, v := range old[min(asize, len(old)):] {
		if !v.IsNil() {
			moved = true
			break
		}
	}
	if t.used == 0 && !moved {
		// No keys to move: the hash storage can stay if it is big enough.
		if size := hashSizeFor(nhash); len(t.node) < size {
			t.node = make([]node, size)
			if t.acct != nil {
				*t.acct += int64(size) * nodeSize
			}
		}
		return
	}
	oldNode := t.node
	t.node, t.used = nil, 0
	if size := hashSizeFor(nhash); size > 0 {
		t.node = make([]node, size)
		if t.acct != nil {
			*t.acct += int64(size) * nodeSize
		}
	}
	for i := asize; i < len(old); i++ {
		if !old[i].IsNil() {
			k := Int(int64(i) + 1)
			t.insertNew(k, hashValue(k), old[i])
		}
	}
	for i := range oldNode {
		n := &oldNode[i]
		if n.val.IsNil() {
			continue
		}
		if n.key.p == pInt && uint64(int64(n.key.n)-1) < uint64(asize) {
			arr[int64(n.key.n)-1] = n.val
			continue
		}
		if (t.used+1)*4 > len(t.node)*3 {
			t.growNodes() // only for OP_SETLIST on a table with dead keys
		}
		t.insertNew(n.key, hashValue(n.key), n.val)
	}
}

// Length returns a border of the table (§3.4.7) without metamethods. It
// finds the border the reference's luaH_getn finds, starting from the hint
// len(t.arr) and moving it as that function does.
func (t *Table) Length() int64 {
	limit := len(t.arr)
	if limit > 0 && t.arr[limit-1].IsNil() {
		// There is a border before the hint. Check first the case after a
		// removal from the end, limit-1.
		pow2 := isPow2(cap(t.arr))
		if limit >= 2 && !t.arr[limit-2].IsNil() {
			if pow2 && !isPow2(limit-1) {
				t.arr = t.arr[:limit-1]
			}
			return int64(limit - 1)
		}
		b := binarySearch(t.arr, 0, limit)
		if pow2 && b > cap(t.arr)/2 {
			t.arr = t.arr[:b]
		}
		return int64(b)
	}
	if limit < cap(t.arr) {
		// The hint is present and the array goes on past it.
		arr := t.array()
		if arr[limit].IsNil() {
			return int64(limit)
		}
		limit = len(arr)
		if arr[limit-1].IsNil() {
			b := binarySearch(arr, len(t.arr), limit)
			t.arr = arr[:b]
			return int64(b)
		}
	}
	// limit is the array size, and t[limit] is present or limit is 0.
	if t.used == 0 || t.GetInt(int64(limit)+1).IsNil() {
		return int64(limit)
	}
	return t.hashSearch(uint64(limit))
}

func isPow2(n int) bool { return n&(n-1) == 0 }

// binarySearch returns a border in arr between i and j, given that i is 0
// or arr[i-1] is present, and arr[j-1] is nil.
func binarySearch(arr []Value, i, j int) int {
	for j-i > 1 {
		m := int(uint(i+j) / 2)
		if arr[m-1].IsNil() {
			j = m
		} else {
			i = m
		}
	}
	return i
}

// hashSearch finds a border past j in the hash part, given that t[j+1] is
// present (and t[j] too unless j is 0): it doubles j until t[j] is absent,
// then searches between the last present index and it.
func (t *Table) hashSearch(j uint64) int64 {
	if j == 0 {
		j = 1
	}
	var i uint64
	for {
		i = j
		if j <= math.MaxInt64/2 {
			j *= 2
		} else {
			j = math.MaxInt64
			if t.GetInt(int64(j)).IsNil() {
				break
			}
			return int64(j) // t[maxinteger] present: a border
		}
		if t.GetInt(int64(j)).IsNil() {
			break
		}
	}
	for j-i > 1 {
		m := (i + j) / 2
		if t.GetInt(int64(m)).IsNil() {
			j = m
		} else {
			i = m
		}
	}
	return int64(i)
}

// Next returns the entry that follows key k in a traversal (k nil starts
// one); ok is false at the end. It fails for a key that is not in the
// table.
func (t *Table) Next(k Value) (key, val Value, ok bool, err error) {
	arr := t.array()
	var start int // position in the combined sequence: array then hash
	if k.IsNil() {
		start = 0
	} else {
		k = normKey(k)
		if k.p == pInt && uint64(int64(k.n)-1) < uint64(len(arr)) {
			start = int(int64(k.n))
		} else {
			i := t.findSlot(k, hashValue(k))
			if i < 0 {
				return Nil, Nil, false, errInvalidNext
			}
			start = len(arr) + i + 1
		}
	}
	for i := start; i < len(arr); i++ {
		if !arr[i].IsNil() {
			return Int(int64(i) + 1), arr[i], true, nil
		}
	}
	for i := max(start-len(arr), 0); i < len(t.node); i++ {
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
func (t *Table) ArrayLen() int { return cap(t.arr) }

// Count returns the number of non-nil entries (O(n)).
func (t *Table) Count() int {
	c := 0
	for _, v := range t.array() {
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
