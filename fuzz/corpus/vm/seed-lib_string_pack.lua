-- string.pack, string.unpack, string.packsize (manual 6.4.2).
-- Native sizes assumed: 64-bit little-endian (short 2, int 4, long 8, size_t 8).

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end
local function hex(s)
  return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end
local function show(...)
  local n = select("#", ...)
  local out = {}
  for i = 1, n do out[i] = tostring((select(i, ...))) end
  print(n .. ": " .. table.concat(out, " "))
end
local pack, unpack, size = string.pack, string.unpack, string.packsize

-- integers of various sizes and endianness
print(hex(pack("<i4", 1)), hex(pack(">i4", 1)), hex(pack("<i2", -2)), hex(pack(">I2", 0xABCD)))
print(hex(pack("b", -1)), hex(pack("B", 255)), hex(pack("<h", 0x1234)), hex(pack("<H", 65535)))
print(hex(pack("<j", -1)), hex(pack(">J", 1)), hex(pack("<i8", math.mininteger)))
print(hex(pack("<i3", 0x123456)), hex(pack(">i3", -1)), hex(pack("<I5", 2^32)))
print(hex(pack("<i16", -2)), hex(pack("<I16", 1)))
print(hex(pack("<l", 7)), hex(pack("<L", 7)), hex(pack("<T", 7)))
show(unpack("<i4", pack("<i4", -123456)))
show(unpack(">I2", "\1\2"))
show(unpack("<I2", "\1\2"))
show(unpack("<i3", "\255\255\255"))
show(unpack("<I3", "\255\255\255"))
show(unpack("<i16", pack("<i16", math.mininteger)))
show(unpack("b B", "\255\255"))
print("ok integers")

-- floats
print(hex(pack("<d", 1.5)), hex(pack(">d", -2.0)), hex(pack("<f", 0.5)))
print(hex(pack("<n", 1 / 0)))
show(unpack("<d", pack("<d", 0.1)))
show(unpack("<f", pack("<f", 0.1)))
show(unpack("<n", pack("<n", -0.0)))
show(unpack("<d", pack("<d", 3)))
print("ok floats")

-- strings
print(hex(pack("z", "abc")), hex(pack("s1", "abc")), hex(pack("<s2", "hi")), hex(pack("c5", "ab")))
print(hex(pack("<s", "x")))
show(unpack("z", "hello\0world\0"))
show(unpack("zz", "hello\0world\0"))
show(unpack("s1", "\3abcdef"))
show(unpack("c3", "abcdef"))
show(unpack("c2c2", "abcd"))
show(unpack("c0", "abc"))
print("ok strings")

-- multiple values, positions and init
local packed = pack("<i4 i4 z d", 1, 2, "str", 2.5)
show(#packed, unpack("<i4 i4 z d", packed))
show(unpack("<i4", packed, 5))
show(unpack("<i4", packed, -16))
show(unpack("B", "abc", 3))
show(unpack("", "abc"))
show(unpack("", "abc", 4))
print("ok positions")

-- alignment and padding
print(hex(pack("!4 b i4", 1, 2)), hex(pack("!8 b d", 1, 0)), hex(pack("b x b", 1, 2)))
print(hex(pack("!4 b Xi4 b", 1, 2)), hex(pack("!2 b i8", 1, 3)))
print(hex(pack(">!4 i2 i4", 1, 2)))
show(size("!4 b i4"), size("!8 b d"), size("b x b"), size("!4 b Xi4"), size("i4 i8"), size("!i4 i8"))
show(unpack("!4 b i4", pack("!4 b i4", 5, 6)))
print("ok alignment")

-- packsize
show(size("b"), size("h"), size("i"), size("l"), size("j"), size("T"), size("f"), size("d"), size("n"))
show(size("i1"), size("i16"), size("c10"), size(""), size("   "), size("<>=!"))
show(pcall(size, "s"))
show(pcall(size, "z"))
print("ok packsize")

-- overflow checks
show(pcall(pack, "i1", 128))
show(pcall(pack, "i1", -129))
show(pcall(pack, "I1", 256))
show(pcall(pack, "I1", -1))
show(pcall(pack, "i2", 40000))
show(pcall(pack, "i1", 1.5))
show(pcall(unpack, "<i9", "\0\0\0\0\0\0\0\128\1"))
show(pcall(unpack, "<I9", "\255\255\255\255\255\255\255\255\0"))
show(hex(pack("i1", 127)), hex(pack("i1", -128)), hex(pack("I1", 255)))
print("ok overflow")

-- errors
show(pcall(pack, "i17", 1))
show(pcall(pack, "i0", 1))
show(pcall(pack, "q", 1))
show(pcall(pack, "c", "a"))
show(pcall(pack, "c2", "abc"))
show(pcall(pack, "z", "a\0b"))
show(pcall(pack, "s1", string.rep("x", 256)))
show(pcall(pack, "i4"))
show(pcall(pack, "i4", "x"))
show(pcall(unpack, "i4", "abc"))
show(pcall(unpack, "z", "abc"))
show(pcall(unpack, "c4", "abc"))
show(pcall(unpack, "i4", "abcd", 10))
show(pcall(pack, "!3 i4", 1))
show(pcall(pack, "Xz", 1))
print("ok errors")

-- round trips
for _, fmt in ipairs({ "<i8", ">j", "<J", "=i4", "<d", ">n" }) do
  for _, v in ipairs({ 0, 1, -1, 123456, -98765 }) do
    if fmt:find("[Ji]") and v < 0 and fmt:find("J") then v = -v end
    local back = unpack(fmt, pack(fmt, v))
    check(back == v, "round trip " .. fmt .. " " .. v)
  end
end
print("ok round trips")

print("fails: " .. fails)
print("done")
