package stdlib

import (
	"math/bits"
	"math/rand/v2"
	"time"

	"github.com/lunar-lua/lunar"
)

// mathRandom is the pseudo-random generator of math.random: xoshiro256**,
// seeded and used exactly as the reference interpreter (5.4) uses it, so
// that a given seed gives the same sequence as lua5.4.
type mathRandom struct {
	s [4]uint64
}

// next advances the generator and returns its next 64-bit value.
func (g *mathRandom) next() uint64 {
	s0, s1, s2, s3 := g.s[0], g.s[1], g.s[2]^g.s[0], g.s[3]^g.s[1]
	res := bits.RotateLeft64(s1*5, 7) * 9
	g.s[0] = s0 ^ s3
	g.s[1] = s1 ^ s2
	g.s[2] = s2 ^ (s1 << 17)
	g.s[3] = bits.RotateLeft64(s3, 45)
	return res
}

// seed sets the state from two integers as randomseed(n1, n2) does, then
// discards the first 16 values to spread the seed.
func (g *mathRandom) seed(n1, n2 uint64) {
	g.s = [4]uint64{n1, 0xff, n2, 0} // 0xff avoids an all-zero state
	for range 16 {
		g.next()
	}
}

// seedRandomly seeds the generator from the clock and a random number,
// returning the two seed values.
func (g *mathRandom) seedRandomly() (uint64, uint64) {
	n1 := uint64(time.Now().Unix())
	n2 := rand.Uint64()
	g.seed(n1, n2)
	return n1, n2
}

// mathRandomFloat converts a random value to a float in [0, 1) from its
// 53 high bits.
func mathRandomFloat(r uint64) float64 {
	return float64(r>>11) * (1.0 / (1 << 53))
}

// project maps the random value r into [0, n], rejecting values that
// would bias the result: it masks r with the smallest 2^b-1 >= n and draws
// again while the result is greater than n.
func (g *mathRandom) project(r, n uint64) uint64 {
	if n&(n+1) == 0 { // n+1 is a power of 2
		return r & n
	}
	lim := n
	lim |= lim >> 1
	lim |= lim >> 2
	lim |= lim >> 4
	lim |= lim >> 8
	lim |= lim >> 16
	lim |= lim >> 32
	for r &= lim; r > n; r &= lim {
		r = g.next()
	}
	return r
}

// luaRandom is math.random([m [, n]]).
func (g *mathRandom) luaRandom(t *lunar.Thread, args []lunar.Value) (int, error) {
	r := g.next()
	var low, up int64
	switch len(args) {
	case 0:
		t.Push(lunar.Float(mathRandomFloat(r)))
		return 1, nil
	case 1:
		low = 1
		var err error
		if up, err = t.CheckInteger(args, 1); err != nil {
			return 0, err
		}
		if up == 0 { // math.random(0): a full random integer
			t.Push(lunar.Int(int64(r)))
			return 1, nil
		}
	case 2:
		var err error
		if low, err = t.CheckInteger(args, 1); err != nil {
			return 0, err
		}
		if up, err = t.CheckInteger(args, 2); err != nil {
			return 0, err
		}
	default:
		return 0, t.Errorf("wrong number of arguments")
	}
	if low > up {
		return 0, t.ArgError(1, "interval is empty")
	}
	t.Push(lunar.Int(int64(g.project(r, uint64(up)-uint64(low)) + uint64(low))))
	return 1, nil
}

// luaRandomSeed is math.randomseed([n1 [, n2]]); like the reference (5.4.4)
// it returns the two seed components.
func (g *mathRandom) luaRandomSeed(t *lunar.Thread, args []lunar.Value) (int, error) {
	var n1, n2 uint64
	if len(args) == 0 {
		n1, n2 = g.seedRandomly()
	} else {
		a, err := t.CheckInteger(args, 1)
		if err != nil {
			return 0, err
		}
		b, err := t.OptInteger(args, 2, 0)
		if err != nil {
			return 0, err
		}
		n1, n2 = uint64(a), uint64(b)
		g.seed(n1, n2)
	}
	t.Push(lunar.Int(int64(n1)))
	t.Push(lunar.Int(int64(n2)))
	return 2, nil
}
