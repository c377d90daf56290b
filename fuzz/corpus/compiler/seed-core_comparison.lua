-- Relational operators (manual 3.4.4).

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end
local function run(src)
  local f, err = load(src, "=input")
  if not f then return "COMPILE: " .. err end
  local ok, e = pcall(f)
  if ok then return "OK " .. tostring(e) end
  return e
end

-- results are always booleans
print(1 < 2, 2 < 1, 1 == 1, 1 ~= 1, "a" <= "a", "b" >= "c")
print(type(1 < 2), type(nil == false))

-- equality compares types first
check(not ("0" == 0), '"0" == 0 is false')
check("0" ~= 0, '"0" ~= 0')
check(nil ~= false, "nil ~= false")
check(not (nil == false), "nil == false is false")
check(true == true and false == false, "booleans")
check(1 == 1.0 and -1 == -1.0, "int float equal")
check(0.1 + 0.2 ~= 0.3, "float rounding")
local t1, t2 = {}, {}
check(t1 == t1 and t1 ~= t2, "tables by reference")
local co1 = coroutine.create(print)
check(co1 == co1 and co1 ~= coroutine.create(print), "threads by reference")
check(print == print, "function equal to itself")
local function mk() return function() return 1 end end
local fa = mk()
check(fa == fa, "closure equal to itself")
print("ok equality")

-- integer vs float: compared by exact mathematical value
local big = 2 ^ 53               -- float 9007199254740992.0
local bigi = 9007199254740993    -- integer 2^53 + 1
check(bigi ~= big, "2^53+1 ~= float 2^53")
check(bigi > big, "2^53+1 > float 2^53")
check(big < bigi, "float 2^53 < 2^53+1")
check(not (bigi <= big), "not 2^53+1 <= float 2^53")
check(bigi - 1 == big, "2^53 int == float")
check(bigi >= big and big <= bigi, ">= <= mixed")
check(math.maxinteger < 2 ^ 63, "maxint < 2^63")
check(math.maxinteger + 0.0 == 2 ^ 63, "maxint as float rounds to 2^63")
check(math.maxinteger ~= 2 ^ 63, "but maxint ~= 2^63")
check(math.mininteger == -2 ^ 63, "minint == -2^63")
check(math.mininteger <= -2 ^ 63 and math.mininteger >= -2 ^ 63, "minint <= >= -2^63")
check(math.mininteger > -math.huge, "minint > -inf")
check(math.maxinteger < math.huge, "maxint < inf")
check(1 < 1.5 and 1.5 < 2, "int float ordering")
check(-1 > -1.5, "negative mixed")
check(3 == 3.0000000000000001, "literal rounds to 3.0")
check(math.maxinteger < math.maxinteger + 0.0, "maxint < float(maxint)")
check(-0.0 == 0 and not (-0.0 < 0), "negative zero")
print("ok int float")

-- NaN
local nan = 0 / 0
check(not (nan < 1) and not (nan > 1) and not (nan <= 1) and not (nan >= 1), "nan vs 1")
check(not (nan == nan) and nan ~= nan, "nan vs nan")
check(not (nan < math.huge) and not (nan > -math.huge), "nan vs inf")
check(not (1 < nan) and not (math.maxinteger <= nan), "int vs nan")
print("ok nan")

-- string ordering (byte order in the C locale)
check("a" < "b", "a < b")
check("A" < "a", "A < a")
check("abc" < "abd", "abc < abd")
check("ab" < "abc", "prefix")
check("" < "a", "empty")
check(not ("a" < "a") and "a" <= "a", "equal strings")
check("Z" < "a", "Z < a")
check("10" < "9", "string compare is lexicographic")
check("a\0b" > "a", "embedded zero longer")
check("a\0a" < "a\0b", "embedded zero then compare")
check("\xff" > "a", "high bytes compare greater")
print("ok strings")

-- > and >= are translated to < and <=
check((2 > 1) == (1 < 2), "> is swapped <")
check((2 >= 2) == (2 <= 2), ">= is swapped <=")

-- errors for incompatible operands
print(run("return 1 < 'x'"))
print(run("return 'x' < 1"))
print(run("local a; return a < 1"))
print(run("local a; return 1 < a"))
print(run("return {} < {}"))
print(run("return {} <= {}"))
print(run("local a, b = {}, {}; return a > b"))
print(run("return true < false"))
print(run("return print < print"))
print(run("return 1 < '2'"))
print(run("return nil >= 1"))
print(run("local t = {}; return t.x <= 3"))
print(run("return 'a' < {}"))
print(run("return 1 == '1'"))
print(run("return {} == {}"))
print("ok errors")

-- chained comparisons are not special: (1 < 2) < 3 compares a boolean
print(run("return 1 < 2 < 3"))

print("fails: " .. fails)
print("done")
