-- to-be-closed variables and returns inside their scope
local function f()
  local a <close> = g()
  return h()
end
local function k()
  do
    local b <close> = g()
  end
  return h()
end
local function l()
  for x in pairs({}) do return x end
end
do
  local c <close> = nil
  local d = 1
end
