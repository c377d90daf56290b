-- io library (manual 6.8) on temporary files. The temporary file name is
-- never printed; the file is removed at the end.

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end
local function show(...)
  local n = select("#", ...)
  local out = {}
  for i = 1, n do
    local v = select(i, ...)
    if type(v) == "string" then v = string.format("%q", v) end
    out[i] = tostring(v)
  end
  print(n .. ": " .. table.concat(out, " "))
end

local name = os.tmpname()
check(type(name) == "string", "tmpname")

-- write and read back
local f = assert(io.open(name, "w"))
check(io.type(f) == "file", "io.type open")
check(f:write("line one\n", "line two\n", 42, " ", 3.5, " ", -0.0, "\n") == f, "write returns file")
f:write("last line without newline")
check(f:close() == true, "close returns true")
check(io.type(f) == "closed file", "io.type closed")
check(tostring(f) == "file (closed)", "tostring closed file")
check(io.type(42) == nil and io.type(io.stdout) == "file", "io.type others")
print("ok write")

f = assert(io.open(name, "r"))
show(f:read())
show(f:read("l"))
show(f:read("L"))
show(f:read("a"))
show(f:read("a"))
show(f:read("l"))
show(f:read(0))
f:close()
print("ok read formats")

f = assert(io.open(name))
show(f:read(4, 1, "l"))
show(f:read("L", "n"))
show(f:read("n", "n", "l"))
f:close()
print("ok multiple formats")

-- numbers
f = assert(io.open(name, "w"))
f:write("10 -3 0x10 1.5e2 .5 -0x1p4 123abc 3.4e- 0x nan 99")
f:close()
f = assert(io.open(name))
local nums = {}
for i = 1, 6 do nums[i] = f:read("n") end
for i = 1, 6 do io.write(tostring(nums[i]), "/", math.type(nums[i]), " ") end
io.write("\n")
show(f:read("n"))
show(f:read(3))
show(f:read("n"))
show(f:read("a"))
f:close()
print("ok read numbers")

-- lines
f = assert(io.open(name, "w"))
f:write("alpha\nbeta\n\ngamma\n")
f:close()
local got = {}
for line in io.lines(name) do got[#got + 1] = "[" .. line .. "]" end
print(table.concat(got, " "))
got = {}
for line in io.lines(name, "L") do got[#got + 1] = string.format("%q", line) end
print(table.concat(got, " "))
got = {}
for a, b in io.lines(name, 1, 2) do got[#got + 1] = string.format("%q|%q", a, b) end
print(table.concat(got, " "))
f = assert(io.open(name))
got = {}
for line in f:lines() do got[#got + 1] = line end
check(io.type(f) == "file", "file:lines does not close")
f:close()
print(#got)
local it, s1, s2, handle = io.lines(name)
print(type(it), s1, s2, io.type(handle))
handle:close()
print("ok lines")

-- seek
f = assert(io.open(name, "r"))
show(f:seek())
show(f:seek("end"))
show(f:seek("set", 6))
show(f:read("l"))
show(f:seek("cur"))
show(f:seek("cur", -5))
show(f:read(4))
show(f:seek("set"))
f:close()
print("ok seek")

-- append and update modes
f = assert(io.open(name, "w")); f:write("abc"); f:close()
f = assert(io.open(name, "a")); f:write("def"); f:close()
f = assert(io.open(name, "r")); show(f:read("a")); f:close()
f = assert(io.open(name, "r+")); f:write("XY"); f:seek("set"); show(f:read("a")); f:close()
f = assert(io.open(name, "w+")); f:write("new"); f:seek("set"); show(f:read("a")); f:close()
f = assert(io.open(name, "a+")); f:write("!"); f:seek("set"); show(f:read("a")); f:close()
f = assert(io.open(name, "rb")); show(f:read("a")); f:close()
print("ok modes")

-- binary data round trip
f = assert(io.open(name, "wb"))
local bin = {}
for i = 0, 255 do bin[#bin + 1] = string.char(i) end
bin = table.concat(bin)
f:write(bin)
f:close()
f = assert(io.open(name, "rb"))
local data = f:read("a")
f:close()
check(data == bin, "binary round trip")
print(#data)
print("ok binary")

-- default input and output
f = assert(io.open(name, "w")); f:write("first\nsecond\n"); f:close()
local old_in = io.input()
io.input(name)
show(io.read())
show(io.read("L"))
show(io.read())
io.input():close()
io.input(old_in)
local old_out = io.output()
io.output(name)
io.write("via io.write ", 1, " ", 2.0, "\n")
io.output():close()
io.output(old_out)
f = assert(io.open(name)); show(f:read("a")); f:close()
check(io.output() == io.stdout, "output restored")
print("ok default files")

-- errors (method calls are compiled as "input" chunks so that the messages
-- name the method as the reference does for a direct call)
local function try(src, ...)
  local ok, err = pcall(load(src, "=input"), ...)
  if ok then return "no error" end
  return err
end
local missing = "lunar_no_such_dir_for_test/none.txt"
show(io.open(missing))
show(pcall(io.open, name, "rw"))
show(pcall(io.open, name, "x"))
show(pcall(io.lines, missing))
local closed = assert(io.open(name))
closed:close()
show(try("local f = ...; return f:read()", closed))
show(try("local f = ...; return f:write('x')", closed))
show(try("local f = ...; return f:lines()", closed))
show(try("local f = ...; return f:seek()", closed))
show(try("local f = ...; return io.close(f)", closed))
show(try("local f = ...; return io.type(f)", closed))
f = assert(io.open(name))
show(try("local f = ...; return f:read('x')", f))
show(try("local f = ...; return f:read({})", f))
show(try("local f = ...; return f:seek('bogus')", f))
show(try("local f = ...; return f:seek('set', 1.5)", f))
show(try("local f = ...; return f:setvbuf('bogus')", f))
-- writing to a file opened for reading fails with a system message
local wr, wmsg = f:write("cannot write")
check(wr == nil and type(wmsg) == "string", "write to read-only file")
f:close()
f = assert(io.open(name, "w"))
show(try("local f = ...; return f:write({})", f))
show(try("local f = ...; return f:write(nil)", f))
show(try("local f = ...; return f:write(true)", f))
local rd, rmsg = f:read("a")
check(rd == nil and type(rmsg) == "string", "read from write-only file")
f:close()
show(try("return io.lines('" .. missing .. "')"))
show(try("return io.input('" .. missing .. "')"))
print("ok errors")

-- to-be-closed file handles
do
  local tbc <close> = assert(io.open(name, "w"))
  tbc:write("closed by <close>")
  f = tbc
end
check(io.type(f) == "closed file", "closed by __close")
for l in io.lines(name) do print(l) end
print("ok close attribute")

-- setvbuf and flush
f = assert(io.open(name, "w"))
show(f:setvbuf("no"), f:setvbuf("full", 1024), f:setvbuf("line"))
check(f:flush(), "flush result is true")
f:close()
check(io.stdout:flush(), "flush stdout")
print("ok buffering")

-- remove the temporary file
show(os.remove(name))
show(io.open(name) == nil)
print("fails: " .. fails)
print("done")
