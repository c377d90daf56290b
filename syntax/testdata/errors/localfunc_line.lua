local function f
(a)
