package lunar_test

import (
	"testing"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/stdlib"
)

func TestZZ(t *testing.T) {
	l := lunar.NewLibraries(stdlib.OpenAll)
	s := lunar.NewState(lunar.WithLibraries(l))
	res, err := s.DoString("=x", `return load(string.dump(function() return 1 end))`)
	t.Log(res, err)
	if len(res) > 1 { t.Log(res[1].ToString()) }
}
