package lunar

import "math"

// Reasons for leaving the VM's fast loop (Thread.slow).
const (
	slowOp     uint8 = iota // the instruction needs the slow section
	slowHook                // a debug hook must run first
	slowBudget              // the work budget is used up
)

// postReturn finishes the return of frame fi whose n results start at
// stack index src. It reports whether the frame was the fresh frame of the
// running execute (which then returns).
func (th *Thread) postReturn(fi, src, n int) bool {
	f := &th.frames[fi]
	fresh, wanted := f.fresh, f.nresults
	th.moveResults(f.ret, src, n, wanted)
	th.frames = th.frames[:fi]
	if th.hookMask != 0 {
		th.backInCaller(fi - 1)
	}
	if !fresh && wanted >= 0 {
		// Back in a Lua caller that wanted a fixed number of results: its
		// top is its register window again (with all results, the top
		// marks the last result for the instruction that consumes them).
		th.top = th.frames[fi-1].top
	}
	return fresh
}

// forPrep prepares a numeric for loop over R[a..a+2] (§3.3.5): it reports
// whether the loop runs zero times. An integer loop precomputes its
// iteration count in R[a+1], so it can never overflow.
func (th *Thread) forPrep(R *[regWindow]Value, a uint8) (bool, error) {
	init, limit, step := R[a], R[a+1], R[a+2]
	if init.p == pInt && step.p == pInt {
		st := int64(step.n)
		if st == 0 {
			return false, th.runtimeError("'for' step is zero")
		}
		i := int64(init.n)
		lim, skip, err := th.forLimit(limit, i, st)
		if err != nil {
			return false, err
		}
		if skip {
			return true, nil
		}
		var count uint64
		if st > 0 {
			count = uint64(lim) - uint64(i)
			if st != 1 {
				count /= uint64(st)
			}
		} else {
			count = uint64(i) - uint64(lim)
			count /= uint64(-(st + 1)) + 1
		}
		R[a] = init
		R[a+1] = Value{p: pInt, n: count}
		R[a+2] = step
		R[a+3] = init
		return false, nil
	}
	// Float loop (numeric strings are accepted, as the reference does).
	fl, ok := limit.ToFloat()
	if !ok {
		return false, th.forError("limit", limit)
	}
	fs, ok := step.ToFloat()
	if !ok {
		return false, th.forError("step", step)
	}
	fi, ok := init.ToFloat()
	if !ok {
		return false, th.forError("initial value", init)
	}
	if fs == 0 {
		return false, th.runtimeError("'for' step is zero")
	}
	if (fs > 0 && fl < fi) || (fs < 0 && fi < fl) {
		return true, nil
	}
	R[a] = Float(fi)
	R[a+1] = Float(fl)
	R[a+2] = Float(fs)
	R[a+3] = Float(fi)
	return false, nil
}

// forLimit converts a loop limit to an integer for an integer loop,
// clipping float limits; skip reports a loop that must not run.
func (th *Thread) forLimit(limit Value, init, step int64) (int64, bool, error) {
	var lim int64
	if limit.IsString() {
		if v, ok := limit.ToNumber(); ok {
			limit = v
		}
	}
	switch limit.p {
	case pInt:
		lim = int64(limit.n)
	case pFloat:
		fl := limit.AsFloat()
		if step < 0 {
			fl = math.Ceil(fl)
		} else {
			fl = math.Floor(fl)
		}
		if v, ok := FloatToInteger(fl); ok {
			lim = v
		} else if fl > 0 {
			if step < 0 {
				return 0, true, nil
			}
			lim = math.MaxInt64
		} else {
			// Very negative, or NaN.
			if step > 0 {
				return 0, true, nil
			}
			lim = math.MinInt64
		}
	default:
		return 0, false, th.forError("limit", limit)
	}
	if step > 0 {
		return lim, init > lim, nil
	}
	return lim, init < lim, nil
}

func (th *Thread) forError(what string, v Value) error {
	return th.runtimeError("bad 'for' %s (number expected, got %s)", what, th.typeNameMeta(v))
}
