package lunar_test

import (
	"testing"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/stdlib"
)

// Behaviour where Lua 5.4.7 differs from the lua5.4 installed for the
// conformance suite (Debian's 5.4.4) because of bugs fixed in between:
// these cannot be conformance scripts, whose expected output comes from
// that interpreter. Each chunk returns the string "ok" when all is right.
var fixedBugs = []struct {
	name, src string
}{
	// Wrong code for a bitwise operation with an integer first operand
	// in a function with more than 256 constants (fixed in 5.4.5).
	{"bitwise constant operand", `
		local code = {"local x = {"}
		for i = 1, 257 do code[#code + 1] = i .. ".1," end
		code[#code + 1] = "}; return "
		code = table.concat(code)
		local cases = {
			{"1 ~ (2 or 3)", 3}, {"1 | (2 or 3)", 3}, {"1 & (2 or 3)", 0},
			{"7 & (6 and 5)", 5}, {"1 + (2 or 3)", 3}, {"1 << (2 or 3)", 4},
			{"1000 ~ (2 or 3)", 1002},
		}
		for _, c in ipairs(cases) do
			local got = load(code .. c[1])()
			if got ~= c[2] then
				return c[1] .. " gave " .. tostring(got)
			end
		end
		return "ok"`},
	// A chain of coroutine.close calls, each closing method closing the
	// next coroutine, counts as nested C calls and ends in "C stack
	// overflow" (fixed in 5.4.6 by lua_closethread).
	{"coroutine.close chain", `
		local count, co = 0, false
		for i = 1, 1000 do
			local previous = co
			co = coroutine.create(function ()
				local x <close> = setmetatable({}, {__close = function ()
					count = count + 1
					if previous then assert(coroutine.close(previous)) end
				end})
				coroutine.yield()
			end)
			coroutine.resume(co)
		end
		local ok, msg = coroutine.close(co)
		if ok or not string.find(msg, "C stack overflow$") then
			return "close gave " .. tostring(ok) .. ", " .. tostring(msg)
		end
		if count < 150 or count > 200 then
			return "closed " .. count .. " coroutines"
		end
		return "ok"`},
}

func TestFixedBugs(t *testing.T) {
	for _, c := range fixedBugs {
		t.Run(c.name, func(t *testing.T) {
			s := lunar.NewState()
			stdlib.OpenAll(s)
			res, err := s.DoString(c.name, c.src)
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 1 || res[0].AsString() != "ok" {
				t.Errorf("got %v, want ok", res)
			}
		})
	}
}
