-- A NaN operand is named in error messages like any other value: the
-- name comes from the instruction's operand, not from comparing values.
local nan = 0/0
print(pcall(function() local x = nan; return x.field end))
print(pcall(function() return nan.field end))
print(pcall(function() local x = nan; x.field = 1 end))
print(pcall(function() local t = {v = nan}; return t.v.w end))
print(pcall(function() local x = nan; return x[1] end))
print(pcall(function() local x = nan; return x:m() end))
