-- §6.8: file:read with a negative count. The reference converts the count
-- to a size_t, so the buffer it asks for is too big: "not enough memory".
local name = os.tmpname()
local f = assert(io.open(name, "w"))
f:write("some text\n")
f:close()
f = assert(io.open(name))
print(pcall(f.read, f, -1))
print(pcall(f.read, f, math.mininteger))
print(f:read("a"))
f:close()
os.remove(name)
