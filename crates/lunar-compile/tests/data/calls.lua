-- calls: statements, multiple results, methods, sugar
print()
print(1, 2, 3)
print(f())
print(f(), 1)
print(1, f())
print(...)
local s = ("x"):rep(3)
obj:method(1, 2)
obj.a.b:c(...)
f"str"
f{1, 2}
f(g(h(1)))
local a, b = f()
local c = f()
local d = (f())
t = {f()}
t = {f(), nil}
return f()
