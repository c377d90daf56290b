local a = ...
if a then
  return 1
  ;
else
  print(2)
  ;
end
while a do
  a = a - 1
  ;
end
do
  local x <close> = nil
  local function f() return x end
  ;
end
for i = 1, 2 do
  local y
  local function g() return y end
  ;
end
