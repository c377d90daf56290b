//go:build !unix

package stdlib

import "time"

var osStart = time.Now()

// osClock approximates the processor time used by the process with the
// time elapsed since the program started (no portable CPU clock).
func osClock() float64 { return time.Since(osStart).Seconds() }
