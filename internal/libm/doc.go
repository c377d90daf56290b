// Package libm holds Lunar's own elementary functions: pow, exp, log,
// log2, log10, sin, cos, tan, asin, acos, atan and atan2 on float64, each
// correctly rounded (round to nearest, ties to even).
//
// It exists because the reference interpreter gets these functions from
// the C library (glibc), whose results are within about half an ulp of
// the exact value, while Go's math package is off by one ulp for a small
// fraction of arguments (64^2.5, math.sin(2^53), ...). A correctly
// rounded result is the one glibc gives for nearly every argument, so
// scripts print and compare the same numbers under Lunar as under lua5.4.
//
// Each function first evaluates the result in double-double arithmetic
// with a known error bound (a few hundred nanoseconds at worst, tens in
// the common case) and returns its rounding when the error interval
// cannot straddle a rounding boundary. Otherwise, about once in ten
// thousand calls, it recomputes the value with math/big at growing
// precision until the rounding is certain (Ziv's strategy). The special
// cases (NaN, infinities, signed zeros, negative bases, overflow and
// underflow) follow C99 Annex F as glibc implements it, except for the
// sign of NaN results, which callers choose themselves.
//
// The tables the fast paths use are computed with math/big on first use;
// no constant is copied from another library.
package libm
