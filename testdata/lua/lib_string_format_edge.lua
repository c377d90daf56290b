local check = require('lib.check')
local show, try = check.show, check.try
-- §6.4 string.format: every conversion with flags, widths, precisions and
-- edge values, and the errors of bad formats.
local F = string.format
local fmts = {
  "%d", "%5d", "%-5d|", "%05d", "%+d", "% d", "%.3d", "%8.3d", "%-+8.3d|", "%x", "%X",
  "%#x", "%#X", "%o", "%#o", "%c", "%i", "%u",
}
for _, f in ipairs(fmts) do
  for _, v in ipairs({0, 1, -1, 42, 255, math.maxinteger, math.mininteger}) do
    if not (f == "%c" and (v < 0 or v > 255)) then
      try(f .. " " .. tostring(v), F, f, v)
    end
  end
end
for _, f in ipairs({"%e", "%E", "%.0e", "%#.0e", "%10.3e", "%f", "%.0f", "%#.0f", "%10.2f",
                    "%-10.2f|", "%+.1f", "% .1f", "%g", "%G", "%.3g", "%#g", "%#.3g", "%10g",
                    "%a", "%A", "%.2a", "%.0a", "%020.5f", "%.99f"}) do
  for _, v in ipairs({0.0, -0.0, 1.0, 0.1, -2.5, 1e300, 1e-300, 123456789.125, 1/0, -1/0, 2^63}) do
    try(f .. " " .. show(v), F, f, v)
  end
end
try("%f nan", function() return (F("%f", 0/0):gsub("^%-", "")) end)
try("%d float integral", F, "%d", 3.0)
try("%d float", F, "%d", 3.5)
try("%d string", F, "%d", "10")
try("%d string float", F, "%d", "10.0")
try("%d bad string", F, "%d", "x")
try("%x negative", F, "%x", -1)
try("%f string", F, "%f", "1e2")
try("%f bad", F, "%f", {})
try("%c 0", function() return #F("%c", 0) end)
try("%s", F, "%s|%s|%s", 1, 2.5, true)
try("%s nil", F, "%s", nil)
try("%s table __tostring", F, "%s", setmetatable({}, {__tostring = function() return "TS" end}))
try("%10s", F, "[%10s][%-10s]", "abc", "abc")
try("%.2s", F, "[%.2s][%5.1s]", "abcdef", "xyz")
try("%s with zero", F, "%s", "a\0b")
try("%10s with zero", F, "%10s", "a\0b")
try("%q string", F, "%q", "line1\nline2\0\1\127\200\"\\\r\t")
try("%q integers", F, "%q %q %q", 1, math.mininteger, -0)
try("%q floats", F, "%q %q %q %q %q", 1.5, 0.1, 1/0, -1/0, 2^63)
try("%q nan", F, "%q", 0/0)
try("%q bool nil", F, "%q %q %q", true, false, nil)
try("%q table", F, "%q", {})
try("%q with width", F, "%10q", "x")
try("%%", F, "100%%")
try("missing arg", F, "%d %d", 1)
try("no arg", F, "%s")
try("bad conv", F, "%y", 1)
try("bad conv 2", F, "%", 1)
try("too long", F, "%123d", 1)
try("width 99", F, "%99d", 1)
try("precision 100", F, "%.100f", 1)
try("flags repeated", F, "%--5d", 1)
try("flag for s", F, "%#s", "x")
try("flag 0 for s", F, "%05s", "x")
try("precision for c", F, "%.2c", 65)
try("flag for q", F, "%-q", "x")
try("format()", F)
try("format(1)", F, 1)
try("format table", F, {})
try("extra args", F, "%d", 1, 2, 3)
try("%i", F, "%5i", 42)
try("long result", function() return #F("%099d", 7) end)
try("%.14g", F, "%.14g", 0.1)
try("%.17g", F, "%.17g", 0.1)
try("%5.2%", F, "%5.2%")
