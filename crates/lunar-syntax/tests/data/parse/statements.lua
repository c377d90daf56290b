#!/usr/bin/env lua
local a, b <const>, c <close> = 1, 2.5, "s"
local function f(x, ...) return x, ... end
function g.h:m(y) return self.y end
a, b.c, b[1] = f(1), nil
print "hello"
obj:method { 1, two = 2, [3] = 3; }
do ; end
while a < 10 do a = a + 1 break end
repeat local z = a until z
if a then a() elseif b then b() else c() end
for i = 1, 10, 2 do goto continue ::continue:: end
for k, v in pairs(t) do end
return (f(...))
