-- a break that must close upvalues (luac 5.4.4 closes from the level of
-- the loop's control variables; we close from the level outside the loop)
for k in pairs(t) do
  local x
  do f = function() return x end; if k then break end end
end
for i = 1, 3 do
  local y
  do g = function() return y end; if i then break end end
end
