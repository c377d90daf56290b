package stdlib_test

import (
	"testing"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/stdlib"
)

// BenchmarkNewStateFull measures creating a state with every library open.
func BenchmarkNewStateFull(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s := lunar.NewState()
		stdlib.OpenAll(s)
	}
}
