-- goto, labels, break, blocks and control structures (manual 3.3.1, 3.3.4).

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

-- continue idiom
local out = {}
for i = 1, 10 do
  if i % 2 == 0 then goto continue end
  out[#out + 1] = i
  ::continue::
end
print(table.concat(out, " "))
-- continue idiom in while and repeat
local i = 0
out = {}
while i < 6 do
  i = i + 1
  if i == 3 then goto next_iter end
  out[#out + 1] = i
  ::next_iter::
end
print(table.concat(out, " "))
i = 0
out = {}
repeat
  i = i + 1
  if i % 3 == 0 then goto cont end
  out[#out + 1] = i
  ::cont::
until i >= 7
print(table.concat(out, " "))
print("ok continue")

-- backward goto forms a loop
local n = 0
::top::
n = n + 1
if n < 5 then goto top end
check(n == 5, "backward goto")
print("ok backward goto")

-- breaking out of nested loops
local found
for a = 1, 5 do
  for b = 1, 5 do
    if a * b == 12 then
      found = a .. "x" .. b
      goto done
    end
  end
end
::done::
print("found " .. found)
print("ok nested exit")

-- goto to a label at the end of a block where a local is declared before (allowed:
-- a label at the end of the block is considered outside the local's scope)
do
  local visited = 0
  do
    goto finish
    local skipped = 1
    visited = skipped
    ::finish::
  end
  check(visited == 0, "jump to end of block")
end
print("ok end of block label")

-- labels in nested blocks with the same name as in sibling blocks are fine
do
  do goto l1; ::l1:: end
  do goto l1; ::l1:: end
end
-- label visible in enclosing blocks
do
  local k = 0
  ::again::
  do
    k = k + 1
    if k < 3 then goto again end
  end
  check(k == 3, "goto outer label from nested block")
end
print("ok label scopes")

-- goto with closures: each pass creates a fresh local
local fns = {}
do
  local c = 1
  ::loop::
  local v = c
  fns[c] = function() return v end
  c = c + 1
  if c <= 3 then goto loop end
end
check(fns[1]() == 1 and fns[2]() == 2 and fns[3]() == 3, "fresh locals via goto")
print("ok goto closures")

-- break
local cnt = 0
while true do
  cnt = cnt + 1
  if cnt == 4 then break end
end
check(cnt == 4, "break while")
repeat
  cnt = cnt + 1
  if cnt > 6 then break end
until false
check(cnt == 7, "break repeat")
for _ in pairs({ 1, 2, 3 }) do cnt = cnt + 1; break end
check(cnt == 8, "break generic for")
-- break is allowed as a non-final statement in 5.4
local ok = load("while true do break; local x = 1 end")
check(ok ~= nil, "break followed by statements")
print("ok break")

-- return in the middle of a block needs do ... end
local function early(x)
  if x then
    do return "early" end
  end
  return "late"
end
check(early(true) == "early" and early(false) == "late", "do return end")
print("ok return")

-- ambiguity: a statement starting with ( continues the previous line
local function id(x) return x end
local called = false
local function mark() called = true end
local r = id
;(mark)()
check(called, "semicolon before parenthesis")
print("ok ambiguity")

-- compile errors
print(compile_error("goto nowhere"))
print(compile_error("do goto l end local a ::l:: print(a)"))
print(compile_error("goto l; local y = 1; ::l:: y = 2"))
print(compile_error("::l:: ::l::"))
print(compile_error("::l:: do ::l:: end"))
-- break outside a loop: the wording differs between 5.4.4 ("outside loop") and
-- 5.4.7 ("outside a loop"), so only the common parts are checked
for _, src in ipairs({ "break", "if true then break end", "local function f() break end" }) do
  local msg = compile_error(src)
  check(string.find(msg, "input:1: break outside ", 1, true) and string.find(msg, "loop at line 1", 1, true), "break outside loop: " .. msg)
end
print(compile_error("for i = 1, 2 do local f = function() goto out end end ::out::"))
print(compile_error("return 1 print(2)"))
print(compile_error("::a b::"))
print(compile_error("goto 1"))
print(compile_error("repeat goto cont; local x ::cont:: until x"))
print("ok compile errors")

print("fails: " .. fails)
print("done")
