-- debug.getinfo with a level out of range (negative ones too) returns
-- nil; getlocal/setlocal raise an error. getuservalue returns only nil
-- for a non-userdata or an index out of range.

print(debug.getinfo(-1))
print(debug.getinfo(-100, "n"))
print(debug.getinfo(1000))
print(pcall(debug.getlocal, -1, 1))
print(pcall(debug.getlocal, 1000, 1))
print(pcall(debug.setlocal, -1, 1, 10))
print(select("#", debug.getinfo(-1)))

print(select("#", debug.getuservalue(10)))
print(select("#", debug.getuservalue({}, 1)))
print(select("#", debug.getuservalue(io.stdout, 5)))
print(debug.getuservalue("x", 2))
