-- local declarations: adjustment, attributes, compile-time constants
local a
local b, c = 1
local d, e = 1, 2, 3
local f, g, h = ...
local i, j = (...)
local k <const> = 42
local l <const>, m <const> = k + 1, k * 2
local n <const> = "str"
local o <const> = {}
local p <close> = nil
local q, r <close> = 1, nil
local v1 <const> = f() and nil or 256 -- a constant, after dead code
local v2 <const> = not (nil and g())
local v3 <const> = (k > 1) and 2
local s = k + l + m + v1
local t = n .. n
local function u() return k, l, n end
return a, b, c, d, e, f, g, h, i, j, s, t, u
