-- string.format (manual 6.4): conversions, flags, %q, %a.

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end
local F = string.format

-- integers
print(F("[%d] [%5d] [%-5d] [%05d] [%+d] [% d] [%i]", 42, 42, 42, 42, 42, 42, -7))
print(F("[%d] [%d]", math.maxinteger, math.mininteger))
print(F("[%x] [%X] [%#x] [%o] [%#o] [%08x]", 255, 255, 255, 8, 8, 48879))
print(F("[%x] [%X]", -1, math.mininteger))
print(F("[%u]", 123))
print(F("[%d] [%d]", 3.0, "10"))
print(F("[%c%c%c]", 76, 117, 97))
print(F("[%5.3d] [%.0d]", 7, 0))
print("ok integers")

-- floats
print(F("[%f] [%.2f] [%10.3f] [%-10.1f] [%+.1f] [%.0f] [%.0f] [%.0f]", 3.14159, 3.14159, 3.14159, 3.14159, 2.0, 0.5, 1.5, 2.5))
print(F("[%e] [%.2e] [%E] [%.0e]", 12345.6789, 12345.6789, 0.000123, 5e10))
print(F("[%g] [%g] [%g] [%g] [%g] [%g] [%g]", 100000, 1e6, 1e15, 1e-4, 1e-5, 0.1, 123456789))
print(F("[%.3g] [%.10g] [%G] [%#g]", 3.14159, 1 / 3, 1e-10, 1.0))
print(F("[%.14g] [%.17g] [%.14g]", 0.1, 0.1, 2^63))
print(F("[%f] [%f] [%.1f]", 1 / 0, -1 / 0, 42))
print(F("[%5.1f] [%-8.3e]", -0.0, 1.5))
print(F("[%d]", 2^53))
print("ok floats")

-- hexadecimal floats
print(F("[%a] [%a] [%a] [%a]", 1.0, 0.5, -2.75, 1024.0))
print(F("[%a] [%a] [%A]", 0.1, 1e10, 255.5))
print(F("[%a] [%a]", 0.0, -0.0))
print(F("[%.3a] [%.0a]", 1 / 3, 1.0))
print(F("[%a]", 3))
print("ok %a")

-- strings
print(F("[%s] [%10s] [%-10s] [%.2s] [%5.1s]", "hello", "hi", "hi", "hello", "xyz"))
print(F("[%s] [%s] [%s] [%s]", nil, true, 12, 1.5))
print(F("[%s]", setmetatable({}, { __tostring = function() return "custom" end })))
print(F("%s", "a\0b") == "a\0b")
print(F("%%d is literal, %s", "yes"))
print(F("no conversions"))
print(F("%5s%%", 10))
print("ok strings")

-- %q
print(F("%q", 'a string with "quotes" and \n new line'))
print(F("%q", "tab\there\r\0end\1x\0011\127"))
print(F("%q", "\\ and \"\'"))
print(F("%q %q %q", 1, -5, math.mininteger))
print(F("%q %q %q %q", 1.0, 0.5, -0.1, 1e100))
print(F("%q %q %q", 1 / 0, -1 / 0, 0 / 0))
print(F("%q %q %q", true, false, nil))
print(F("%q", 2^63))
-- %q output can be read back
for _, v in ipairs({ "x\ny", "\0\1\2", 3, 3.5, -0.0, math.mininteger, 2^-1074, "\200\255" }) do
  local back = load("return " .. F("%q", v))()
  check(back == v and math.type(back) == math.type(v), "%q round trip " .. tostring(v))
end
print(pcall(F, "%q", {}))
print(pcall(F, "%10q", "x"))
print("ok %q")

-- errors
print(pcall(F, "%d", 3.5))
print(pcall(F, "%d", "3.5"))
print(pcall(F, "%d", "x"))
print(pcall(F, "%d"))
print(pcall(F, "%y", 1))
print(pcall(F, "%", 1))
print(pcall(F, "%123d", 1))
print(pcall(F, "%.123f", 1))
print(pcall(F, "%c", "x"))
print(pcall(F, "%x", 1.5))
print(pcall(F, "%s"))
print(pcall(F))
print(pcall(F, 42))
print("ok errors")

-- width and precision up to two digits
print(F("[%99d]", 1):len(), F("[%.99f]", 1):len())
print(F("%-5d|%5s|%05.1f", 1, "ab", 2.25))
print("fails: " .. fails)
print("done")
