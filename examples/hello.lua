-- hello.lua: prints a greeting; extra command-line arguments are greeted too.
-- usage: lunar hello.lua [name ...]

local names = {}
for i = 1, #arg do names[#names + 1] = arg[i] end
if #names == 0 then names[1] = "world" end

for _, name in ipairs(names) do
  print(string.format("Hello, %s!", name))
end
print(string.format("(%d argument%s given)", #arg, #arg == 1 and "" or "s"))
