package stdlib

import "github.com/lunar-lua/lunar"

// OpenString opens the string library (§6.4) and sets the string
// metatable.
func OpenString(s *lunar.State) {
	t := newLib(s, "string", map[string]lunar.GoFunction{})
	mt := lunar.NewTable(0, 2)
	mt.SetStr("__index", lunar.TableValue(t))
	s.SetTypeMetatable(lunar.TypeString, mt)
}
