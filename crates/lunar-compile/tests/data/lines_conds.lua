local a, b = 1, 2
if a
then
  print(1)
elseif b
then
  print(2)
else
  print(3)
end
if a <
   b
then print(4) end
while a
do
  a = a - 1
end
while a > 0 and
  b > 0
do
  a = a - 1
end
for i = 1,
  10
do
  print(i)
end
for k, v in pairs({}),
  nil
do
  print(k, v)
end
for k, v
in pairs({})
do print(k) end
repeat
  a = a + 1
until a
  > 10
do
  local z = 1
end
if a then
elseif b
then
end
local c = a and
  b or
  a
if not
  a then print(5) end
