-- os.remove, os.rename, os.tmpname, os.execute, os.getenv, os.setlocale,
-- os.clock (manual 6.9): results and error triples as the reference gives
-- them. Temporary names are never printed.
local name = os.tmpname()
print(type(name), #name, io.open(name) ~= nil)
local f = io.open(name, "w") f:write("x") f:close()
print(os.rename(name, name .. ".renamed"))
print(select("#", os.rename(name, name .. ".other")), select(2, os.rename(name, name .. ".other")))
print(os.remove(name .. ".renamed"))
local r = {os.remove(name .. ".renamed")}
print(r[1], r[2] == name .. ".renamed: No such file or directory", r[3])
print(os.remove("no/such/dir/file"))
print(os.rename("no_such_file_here", "elsewhere"))
print(pcall(os.remove), pcall(os.rename, "a"), pcall(os.remove, {}))
-- directories: remove deletes empty ones
os.remove(name)
print(os.execute("mkdir " .. name))
print(os.execute("touch " .. name .. "/inside"))
local ok, msg, code = os.remove(name)
print(ok, msg == name .. ": Directory not empty", code)
print(os.remove(name .. "/inside"), os.remove(name), io.open(name) == nil)
-- execute
print(os.execute())
print(os.execute("exit 0"))
print(os.execute("exit 3"))
print(os.execute("exit 255"))
print(os.execute("kill -TERM $$"))
print(os.execute("kill -KILL $$"))
print(os.execute("echo from the shell"))
print(os.execute("true; false"))
print(pcall(os.execute, {}))
-- getenv
print(type(os.getenv("PATH")), os.getenv("LUNAR_SURELY_UNSET_VARIABLE"), pcall(os.getenv), pcall(os.getenv, {}))
-- setlocale: only the C locale exists
print(os.setlocale(), os.setlocale("C"), os.setlocale("POSIX"), os.setlocale(nil, "time"), os.setlocale("C", "numeric"))
print(os.setlocale("xx_NO_SUCH"), os.setlocale("xx_NO_SUCH", "ctype"), pcall(os.setlocale, nil, "x"), pcall(os.setlocale, {}))
for _, c in ipairs{"all", "collate", "ctype", "monetary", "numeric", "time"} do io.write(os.setlocale(nil, c), " ") end print()
-- clock
local c0 = os.clock()
local x = 0 for i = 1, 1e6 do x = x + i end
local c1 = os.clock()
print(math.type(c0), c0 >= 0, c1 >= c0)
print(pcall(os.exit, "x"), pcall(os.exit, {}))
