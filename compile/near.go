package compile

import (
	"strconv"
	"strings"

	"github.com/lunar-lua/lunar/syntax"
)

// The reference ends limit errors found while compiling with the token
// its parser was reading ("near 'x'"). The tree does not keep tokens, so
// the generator tracks the next token only where it matters most, in
// long lists (arguments, values, table items), and leaves the near part
// out elsewhere.

// firstToken returns the first token of an expression as the reference
// prints it in messages, or "" when it cannot tell.
func firstToken(e syntax.Expr) string {
	for {
		switch x := e.(type) {
		case *syntax.BinaryExpr:
			e = x.L
			continue
		case *syntax.IndexExpr:
			e = x.Obj
			continue
		case *syntax.CallExpr:
			e = x.Fn
			continue
		case *syntax.MethodCallExpr:
			e = x.Obj
			continue
		case *syntax.NameExpr:
			return quoteToken(x.Name)
		case *syntax.ParenExpr:
			return "'('"
		case *syntax.NilExpr:
			return "'nil'"
		case *syntax.TrueExpr:
			return "'true'"
		case *syntax.FalseExpr:
			return "'false'"
		case *syntax.VarargExpr:
			return "'...'"
		case *syntax.TableExpr:
			return "'{'"
		case *syntax.FunctionExpr:
			return "'function'"
		case *syntax.UnaryExpr:
			return quoteToken(x.Op.String())
		case *syntax.IntExpr:
			if x.Value >= 0 {
				return quoteToken(strconv.FormatInt(x.Value, 10))
			}
		case *syntax.FloatExpr:
			s := strconv.FormatFloat(x.Value, 'g', -1, 64)
			if !strings.ContainsAny(s, ".eIN") {
				s += ".0"
			}
			return quoteToken(s)
		case *syntax.StringExpr:
			if isPlain(x.Value) {
				return quoteToken(`"` + x.Value + `"`)
			}
		}
		return ""
	}
}

// fieldToken returns the first token of a table constructor's field.
func fieldToken(f syntax.TableField) string {
	if f.Key == nil {
		return firstToken(f.Value)
	}
	if s, ok := f.Key.(*syntax.StringExpr); ok && isName(s.Value) {
		return quoteToken(s.Value)
	}
	return "'['"
}

func quoteToken(s string) string { return "'" + s + "'" }

// isPlain reports whether a string has only printable characters that
// need no escape in a quoted literal.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// isName reports whether s could be written as a name.
func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
