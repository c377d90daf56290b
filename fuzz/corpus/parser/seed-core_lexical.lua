-- Lexical conventions (manual 3.1): escapes, long strings, comments, names.
-- Uses only core base functions.

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end
local function compile_error(src)
  local f, err = load(src, "=input")
  if f then return "NO ERROR" end
  return err
end

-- simple escapes compared with their decimal equivalents
check("\a" == "\7", "\\a")
check("\b" == "\8", "\\b")
check("\f" == "\12", "\\f")
check("\n" == "\10", "\\n")
check("\r" == "\13", "\\r")
check("\t" == "\9", "\\t")
check("\v" == "\11", "\\v")
check("\\" == "\92", "\\\\")
check("\"" == "\34", "\\\"")
check("\'" == "\39", "\\'")
check('\'' == "'", "quote in single")
check("'" == '\'', "quote eq")
check(#"\a\b\f\n\r\t\v\\\"\'" == 10, "escape lengths")
print(string.format("%q", "\a\b\f\n\r\t\v\\\"\'"))
print("ok simple escapes")

-- decimal escapes: up to three digits
check("\65" == "A", "\\65")
check("\065" == "A", "\\065")
check("\0650" == "A0", "\\0650 stops after three digits")
check(#"\0" == 1, "embedded zero length")
check(#"a\0b\0c" == 5, "embedded zeros")
check("\255" == "\xff", "\\255")
check("\1\2" == "\001\002", "short decimal escapes")
check("\97lo\10\04923\"" == "alo\n123\"", "manual example")
print(compile_error([[return "\256"]]))
print(compile_error([[return "\999"]]))
print("ok decimal escapes")

-- hexadecimal escapes: exactly two digits
check("\x41" == "A", "\\x41")
check("\x61\x62\x63" == "abc", "\\x abc")
check("\xFF" == "\xff", "hex case")
check("\x00" == "\0", "\\x00")
check("\x410" == "A0", "\\x410")
print(compile_error([[return "\x4"]]))
print(compile_error([[return "\xg1"]]))
print("ok hex escapes")

-- \z skips whitespace including line breaks
local z = "abc\z
           def\z     ghi"
check(z == "abcdefghi", "\\z")
check("a\z  \n\t  b" == "a\n\t  b", "\\z stops at an escape sequence")
local zz = "x\z"
check(zz == "x", "\\z at end")
print("ok \\z")

-- backslash-newline gives a newline
local bn = "one\
two"
check(bn == "one\ntwo", "backslash newline")
local crlf = load("return 'a\\\r\nb'")()
check(crlf == "a\nb", "backslash CRLF is one newline")
local lfcr = load("return 'a\\\n\rb'")()
check(lfcr == "a\nb", "backslash LFCR is one newline")
print("ok backslash newline")

-- invalid escapes and unfinished strings
print(compile_error([[return "\q"]]))
print(compile_error("return 'abc"))
print(compile_error("return 'abc\ndef'"))
print(compile_error("return [[abc"))
print(compile_error("return [==[abc]=]"))
print("ok invalid strings")

-- \u{XXX} escapes: UTF-8 encoding, original spec up to 2^31
check("\u{41}" == "A", "u41")
check("\u{0}" == "\0", "u0")
check("\u{7F}" == "\x7f", "u7F")
check("\u{80}" == "\xC2\x80", "u80")
check("\u{7FF}" == "\xDF\xBF", "u7FF")
check("\u{800}" == "\xE0\xA0\x80", "u800")
check("\u{FFFF}" == "\xEF\xBF\xBF", "uFFFF")
check("\u{10000}" == "\xF0\x90\x80\x80", "u10000")
check("\u{10FFFF}" == "\xF4\x8F\xBF\xBF", "u10FFFF")
check("\u{1FFFFF}" == "\xF7\xBF\xBF\xBF", "u1FFFFF")
check("\u{200000}" == "\xF8\x88\x80\x80\x80", "u200000")
check("\u{3FFFFFF}" == "\xFB\xBF\xBF\xBF\xBF", "u3FFFFFF")
check("\u{4000000}" == "\xFC\x84\x80\x80\x80\x80", "u4000000")
check("\u{7FFFFFFF}" == "\xFD\xBF\xBF\xBF\xBF\xBF", "u7FFFFFFF")
check("\u{00000041}" == "A", "leading zeros")
check("\u{e9}" == "\u{E9}", "hex case in \\u")
local lens = {}
local cps = { "\u{1}", "\u{7F}", "\u{80}", "\u{7FF}", "\u{800}", "\u{FFFF}", "\u{10000}",
  "\u{1FFFFF}", "\u{200000}", "\u{3FFFFFF}", "\u{4000000}", "\u{7FFFFFFF}" }
for i = 1, #cps do lens[i] = #cps[i] end
print("utf8 lengths: " .. table.concat(lens, " "))
check("\u{48}\u{49}" == "HI", "consecutive")
print(compile_error([[return "\u{80000000}"]]))
print(compile_error([[return "\u41"]]))
print(compile_error([[return "\u{41"]]))
print(compile_error([[return "\u{}"]]))
print("ok unicode escapes")

-- long strings
local a1 = 'alo\n123"'
local a2 = "alo\n123\""
local a3 = '\97lo\10\04923"'
local a4 = [[alo
123"]]
local a5 = [==[
alo
123"]==]
check(a1 == a2 and a2 == a3 and a3 == a4 and a4 == a5, "manual five strings")
check([[]] == "", "empty long string")
check([[
]] == "", "only leading newline skipped")
check([[

]] == "\n", "second newline kept")
check([==[a]]b]=]c]==] == "a]]b]=]c", "other levels ignored")
check([=[[[x]]]=] == "[[x]]", "nested brackets")
check([[\n\t\65]] == "\\n\\t\\65", "no escapes in long strings")
check(load("return [[a\r\nb]]")() == "a\nb", "CRLF in long string")
check(load("return [[a\n\rb]]")() == "a\nb", "LFCR in long string")
check(load("return [[a\rb]]")() == "a\nb", "CR in long string")
check(load("return [[a\r\rb]]")() == "a\n\nb", "CR CR in long string")
check(load("return [[\r\nx]]")() == "x", "leading CRLF skipped")
check(load("return [[\rx]]")() == "x", "leading CR skipped")
check([==[
]]
]==] == "]]\n", "closing of other level in content")
print("ok long strings")

-- comments
local c = 1 -- short comment
--[[ long
comment ]] c = c + 1
--[==[ long comment with ]] inside
]==] c = c + 1
---[[ this is a short comment, so the next line runs
c = c + 1
--]]
check(c == 4, "comments: " .. c)
check(load("return 1 --[[ x ]] + 2")() == 3, "inline long comment")
check(load("return 1 --")() == 1, "comment at eof")
check(load("--[[unterminated") == nil, "unterminated comment fails")
print(compile_error("--[[unterminated"))
print(compile_error("x = 1 --[==[ abc ]] "))
check(load("#!/not/a/shebang\nreturn 1") == nil, "load does not skip # lines")
print("ok comments")

-- names and keywords
local And, AND, _x, x_1, _ = 1, 2, 3, 4, 5
check(And + AND + _x + x_1 + _ == 15, "names")
local keywords = { "and", "break", "do", "else", "elseif", "end", "false", "for",
  "function", "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return",
  "then", "true", "until", "while" }
for _, kw in ipairs(keywords) do
  check(load("local " .. kw .. " = 1") == nil, "keyword " .. kw)
end
check(load("local goto1, nil_, _ENV2 = 1, 2, 3") ~= nil, "names containing keywords")
print(compile_error("local and = 1"))
print(compile_error("x = 1a"))
print(compile_error("x = @"))
print(compile_error("x = $y"))
print("ok names")

-- whitespace: form feed, vertical tab, CR, tabs
local f = load("local\fa\v=\t1\rreturn\na")
check(f and f() == 1, "all whitespace kinds")
check(load("return 1;;;") == nil, "return must be last (semicolon after is ok once)")
check(load("return 1;")() == 1, "return with semicolon")
check(load(";;; local x = 1 ;;; return x")() == 1, "empty statements")
print("ok whitespace")

-- other tokens
local t = { a = { b = function(self, v) return v end } }
check(t.a:b(7) == 7, ": token")
check(7 // 2 == 3 and 1 << 4 == 16 and 256 >> 4 == 16, "// << >>")
check(5 ~= 6 and ~0 == -1 and (5 ~ 3) == 6, "~ tokens")
check(load("return 1 ~ = 2") == nil, "~ = is not ~=")
check(load("return 1 > = 2") == nil, "> = is not >=")
check(load("return 1 = = 2") == nil, "= = is not ==")
print(compile_error("return 1 = = 2"))
print("ok tokens")

print("fails: " .. fails)
print("done")
