package stdlib_test

import (
	"testing"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/stdlib"
)

// BenchmarkNewStateFull measures creating a state and opening every
// library in it.
func BenchmarkNewStateFull(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s := lunar.NewState()
		stdlib.OpenAll(s)
	}
}

// BenchmarkNewStateTemplate measures creating a state with every library
// open as a copy of the template (the recommended way).
func BenchmarkNewStateTemplate(b *testing.B) {
	lunar.NewState(lunar.WithLibraries(stdlib.All)) // build the template
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lunar.NewState(lunar.WithLibraries(stdlib.All))
	}
}

// BenchmarkNewStateSafe is BenchmarkNewStateTemplate with the safe set.
func BenchmarkNewStateSafe(b *testing.B) {
	lunar.NewState(lunar.WithLibraries(stdlib.Safe))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lunar.NewState(lunar.WithLibraries(stdlib.Safe))
	}
}
