-- goto and labels
for i = 1, 3 do
  for j = 1, 3 do
    if j == 2 then goto continue end
    print(i, j)
    ::continue::
  end
end
do
  goto forward
  print("skipped")
  ::forward::
end
do
  local i = 1
  ::top::
  i = i + 1
  if i < 3 then goto top end
end
do
  local x
  ::again::
  local f = function() return x end
  if f() then goto again end
end
::a:: ::b::
goto a
