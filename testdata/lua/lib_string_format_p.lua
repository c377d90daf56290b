-- string.format("%p"): values without identity format as "(null)"; equal
-- short strings share one identity (the reference internalizes them), long
-- strings built apart do not.

local function p(v) return string.format("%p", v) end

print(p(nil), p(true), p(42), p(1.5))
print(string.format("[%10p] [%-8p]", false, 7))

local a, b = string.rep("ab", 5), "abab" .. string.rep("ab", 3)
print("equal short strings:", p(a) == p(b))
print("different short strings:", p("abc") ~= p("abd"))
print("empty strings:", p("") == p(string.sub("x", 2)))
local s40a, s40b = string.rep("x", 40), string.rep("xx", 20)
print("40 bytes:", p(s40a) == p(s40b))
local la, lb = string.rep("y", 300), string.rep("y", 300)
print("long strings:", p(la) ~= p(lb), p(la) == p(la))
local t1, t2 = {}, {}
print("tables:", p(t1) ~= p(t2), p(t1) == p(t1), p(print) == p(print))
print("width:", #string.format("%60p", "abc"), #string.format("%-50p", {}))
