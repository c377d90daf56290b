-- scaling/json: one run encodes a nested table (built once per state and
-- kept in a global) as JSON text: string escaping through gsub, numbers
-- through string.format, keys sorted so the text is the same in every
-- state, pieces joined with table.concat. Returns the text's length.
local format, gsub, byte = string.format, string.gsub, string.byte
local concat, sort = table.concat, table.sort

local function build()
  local doc = { name = "scaling", version = 3, items = {} }
  for i = 1, 60 do
    doc.items[i] = {
      id = i,
      label = "entry \"" .. i .. "\"\n",
      score = i * 1.25,
      tags = { "a" .. i % 3, "b" .. i % 5, "c" },
      nested = { depth = i % 4, ok = i % 2 == 0 },
    }
  end
  return doc
end
DOC = DOC or build()

local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
local function esc(c) return escapes[c] or format("\\u%04x", byte(c)) end

local encode
local function encodeTable(t, out)
  if t[1] ~= nil then
    out[#out + 1] = "["
    for i = 1, #t do
      if i > 1 then out[#out + 1] = "," end
      encode(t[i], out)
    end
    out[#out + 1] = "]"
    return
  end
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  sort(keys)
  out[#out + 1] = "{"
  for i, k in ipairs(keys) do
    if i > 1 then out[#out + 1] = "," end
    out[#out + 1] = '"' .. k .. '":'
    encode(t[k], out)
  end
  out[#out + 1] = "}"
end

function encode(v, out)
  local ty = type(v)
  if ty == "table" then
    encodeTable(v, out)
  elseif ty == "string" then
    out[#out + 1] = '"' .. gsub(v, '[%c"\\]', esc) .. '"'
  elseif math.type(v) == "integer" then
    out[#out + 1] = format("%d", v)
  elseif ty == "number" then
    out[#out + 1] = format("%.3f", v)
  else
    out[#out + 1] = tostring(v)
  end
end

local out = {}
encode(DOC, out)
return #concat(out)
