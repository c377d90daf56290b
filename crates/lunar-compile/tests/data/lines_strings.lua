local a = [[
first
second]]
local b = "x\
y\
z"
print([[
hello
]])
local t = { [[
a
b]], k = [==[
c
]==], [ [[
key
]] ] = 1 }
print(a .. [[
x
]] .. b)
local c = a == [[
q
]]
x = [[
g
]]
t.f = [[
h
]]
t[ [[
k
]] ] = [[
v
]]
return [[
r
]]
