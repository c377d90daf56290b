-- io library (manual 6.8) on a temporary file: read formats ("n" numerals
-- as the reference's reader takes them, "l", "L", "a", counts), lines with
-- formats, every open mode, seek, setvbuf, write formatting, closed files,
-- default files, to-be-closed handles. Names and addresses are not printed.
local fn = os.tmpname()
local function writefile(s) local f = assert(io.open(fn, "wb")) f:write(s) f:close() end
local function readall() local f = assert(io.open(fn, "rb")) local s = f:read("a") f:close() return s end
local function ones(n) local t = {} for i = 1, n do t[i] = "1" end return table.concat(t) end
-- numbers
writefile("  12  -7 +3 0x1F 0X1p4 1e3 -2.5E-2 .5 5. 0x.8 00012 1e+ 0x 12abc -  9 inf nan 0x1P-2\n" .. ones(250) .. " 7")
local f = io.open(fn)
for i = 1, 24 do
  local v = f:read("n")
  io.write(tostring(v), ":", math.type(v) or "-", " ")
  if v == nil then io.write("[", tostring(f:read(1)), "] ") end
end
print() f:close()
writefile(ones(199) .. " " .. ones(200) .. " " .. ones(201) .. " 0x" .. ones(198) .. " 5")
f = io.open(fn) print(f:read("n"), f:read("n"), f:read("n"), f:read(3), f:read("n"), f:read("n")) f:close()
writefile("0x7fffffffffffffff 0xffffffffffffffff 9223372036854775808 1e400 -0x8000000000000000 \t\r\n\v\f 3")
f = io.open(fn) print(f:read("n", "n", "n", "n", "n", "n")) f:close()
writefile("1.5e 2..3 --4 0x1.8p1 1E-1x")
f = io.open(fn) print(f:read("n", "l")) print(f:read("n", "l")) f:close()
f = io.open(fn) for i = 1, 8 do io.write(tostring(f:read("n")), "/", tostring(f:read(1)), " ") end print() f:close()
-- lines, L, counts
writefile("a\nbb\r\n\nlast")
f = io.open(fn)
print(f:read("L", "l", "L", "l", "l"))
f:close()
f = io.open(fn)
print(f:read(0), f:read(2), f:read(0), f:read(100), f:read(0), f:read(1), f:read("a"), f:read("a"), f:read("l"), f:read("n"))
f:close()
for l in io.lines(fn) do io.write("[", l, "]") end print()
for l in io.lines(fn, "L") do io.write("[", l, "]") end print()
for a, b in io.lines(fn, 1, 2) do io.write("[", a, "|", tostring(b), "]") end print()
for n in io.lines(fn, "*l") do io.write(n, ";") end print()
print((pcall(io.lines, fn, {})))
print(select("#", io.lines(fn)))
local it = io.lines(fn) it() it() it() it() print(pcall(it))
it = io.lines(fn, "x") print(pcall(it))
f = io.open(fn) local n = 0 for l in f:lines() do n = n + 1 end print(n, io.type(f), f:read("a"), f:read("l")) f:close()
f = io.open(fn) it = f:lines() f:close() print(pcall(it))
f = io.open(fn) print(pcall(f.lines, f, table.unpack({}, 1, 251))) f:close()
-- modes
writefile("hello world\n")
f = io.open(fn, "r+") print(f:read(5)) print(f:write("_") == f) print(f:seek("cur")) print(f:read("a")) f:close() print(readall())
f = io.open(fn, "w+") f:write("abc") print(f:seek("set")) print(f:read("a")) print(f:seek("end", -1), f:read(1)) f:close()
f = io.open(fn, "a+") f:write("def") f:seek("set", 0) print(f:read("a")) f:close()
f = io.open(fn, "a") print(f:seek("cur"), f:seek("set", 1), f:write("X") == f, f:seek("cur")) f:close() print(readall())
f = io.open(fn, "a+") print(f:seek("cur"), f:read("l"), f:seek("cur")) f:write("Y") print(f:seek("cur")) f:close() print(readall())
f = io.open(fn, "rb") print(f:seek("end"), f:seek("cur", -2), f:read(1), f:seek("set", 100), f:read(1), f:read("a")) f:close()
f = io.open(fn) print(pcall(f.seek, f, "bad")) print(pcall(f.seek, f, "set", 1.5)) print(f:seek("set", -1)) f:close()
f = io.open(fn, "r") print(f:write("x")) print(f:read("a")) f:close()
f = io.open(fn, "w") print(f:read("a")) print(f:read("l")) print(f:read(0)) print(f:read("n")) print(pcall(f.read, f, "x")) f:close()
for _, m in ipairs{"r", "w", "a", "r+", "w+", "a+", "rb", "wb", "ab", "r+b", "w+b", "a+b", "rbb", "", "x", "rw", "r+b+", "b", "+r", "rb+", "r+bb"} do
  local ok, f2 = pcall(io.open, fn, m)
  io.write(m, "=", ok and io.type(f2) or "err", " ")
  if ok and f2 then f2:close() end
end
print()
print(pcall(io.open, fn, "z"))
print(io.open("/"):read(1))
-- setvbuf and flush
f = io.open(fn, "w")
print(f:setvbuf("no"), f:setvbuf("full", 10), f:setvbuf("line"), pcall(f.setvbuf, f), pcall(f.setvbuf, f, "x"))
f:write("x\ny") print(readall()) f:flush() print(readall())
f:setvbuf("full") f:write("z") print(readall()) print(f:flush() == true) print(readall())
f:setvbuf("no") f:write("!") print(readall()) f:close()
-- write formatting: integers as %d, floats as %.14g
f = io.open(fn, "w")
print(f:write(1, " ", 2.0, " ", -0.0, " ", 1/0, " ", -1/0, " ", 2^63, " ", 0.1, " ", 1e15, " ", 1e16, " ", math.mininteger,
  " ", 123456789012345.0, " ", 1/3, " ", 100.0, " ", -1e-300) == f)
f:close() print(readall())
f = io.open(fn, "w") print(pcall(f.write, f, {})) print(pcall(f.write, f, "a", nil)) print(pcall(f.write, f, true)) f:close()
print(readall())
-- closed handles
f = io.open(fn) f:close()
for _, m in ipairs{"read", "write", "lines", "flush", "seek", "setvbuf", "close"} do
  io.write(m, ":", select(2, pcall(f[m], f)), " ")
end
print()
print(tostring(f), io.type(f), pcall(io.close, f))
print(pcall(f.read, io), pcall(f.read, {}), pcall(f.read))
print(io.type(io.stdout), io.type(f), io.type(42), io.type({}), pcall(io.type))
-- default files
io.output(fn) io.write("via default", 1, 2.5) print(io.output() ~= io.stdout) io.close()
print(pcall(io.write, "x")) print(pcall(io.flush)) print(pcall(io.close)) io.output(io.stdout)
print(readall())
io.input(fn) print(io.read()) print(io.read()) io.close(io.input())
print(pcall(io.read)) print(pcall(io.lines)) io.input(io.stdin)
print(pcall(io.output, {}), pcall(io.input, 42), pcall(io.output, io))
print(io.type(io.output()), io.type(io.input()), io.output() == io.stdout, io.input() == io.stdin)
print(io.stdout:close()) print(io.close()) print(io.stderr:close()) print(io.type(io.stdout))
-- to-be-closed handles and io.lines' fourth result
do local h <close> = io.open(fn) print(io.type(h)) g = h end print(io.type(g))
do
  local it, _, _, h = io.lines(fn)
  print(io.type(h))
  for l in it do end
  print(io.type(h))
end
for l in io.lines(fn) do break end
-- tmpfile
local t = io.tmpfile() print(t:write("tmp data") == t, t:seek("set")) print(t:read("a")) t:close() print(io.type(t))
os.remove(fn)
print(io.open(fn) == nil, select(3, io.open(fn)))
print((select(2, pcall(io.lines, fn))) == "cannot open file '" .. fn .. "' (No such file or directory)")
print((select(2, pcall(io.input, fn))) == "cannot open file '" .. fn .. "' (No such file or directory)")
