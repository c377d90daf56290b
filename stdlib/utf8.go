package stdlib

import "github.com/lunar-lua/lunar"

// OpenUTF8 opens the utf8 library (§6.5).
func OpenUTF8(s *lunar.State) {
	newLib(s, "utf8", map[string]lunar.GoFunction{})
}
