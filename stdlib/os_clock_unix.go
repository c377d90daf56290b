//go:build unix

package stdlib

import "syscall"

// osClock returns the processor time used by the process, in seconds
// (user plus system time, as C's clock()).
func osClock() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	us := (ru.Utime.Sec+ru.Stime.Sec)*1e6 + int64(ru.Utime.Usec+ru.Stime.Usec)
	return float64(us) / 1e6
}
