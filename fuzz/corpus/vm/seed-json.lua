-- json: a JSON encoder and a recursive-descent decoder written in Lua,
-- round-tripping a generated document several times. Object keys are
-- encoded in sorted order so that the text does not depend on pairs order.
-- Usage: json.lua [records]   (default 4000)
local N = tonumber(arg and arg[1]) or 4000

local byte, char, find, format, gsub, sub =
  string.byte, string.char, string.find, string.format, string.gsub, string.sub
local concat, sort = table.concat, table.sort
local floor = math.floor
local M = 2147483647

-- null stands for JSON null, which a Lua table cannot hold as nil.
local null = setmetatable({}, { __tostring = function() return "null" end })

---------------------------------------------------------------- encoder

local escapes = {
  ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f',
  ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t',
}

local function escapeChar(c)
  return escapes[c] or format("\\u%04x", byte(c))
end

local encodeValue

local function encodeString(s, out)
  out[#out + 1] = '"'
  out[#out + 1] = (gsub(s, '[%c"\\]', escapeChar))
  out[#out + 1] = '"'
end

local function encodeNumber(x, out)
  if x == floor(x) and x > -1e15 and x < 1e15 then
    out[#out + 1] = format("%d", x)
  else
    out[#out + 1] = format("%.6f", x)
  end
end

local function encodeTable(t, out)
  if t == null then
    out[#out + 1] = "null"
    return
  end
  if t[1] ~= nil or next(t) == nil then
    out[#out + 1] = "["
    for i = 1, #t do
      if i > 1 then
        out[#out + 1] = ","
      end
      encodeValue(t[i], out)
    end
    out[#out + 1] = "]"
    return
  end
  local keys = {}
  for k in pairs(t) do
    keys[#keys + 1] = k
  end
  sort(keys)
  out[#out + 1] = "{"
  for i = 1, #keys do
    if i > 1 then
      out[#out + 1] = ","
    end
    local k = keys[i]
    encodeString(k, out)
    out[#out + 1] = ":"
    encodeValue(t[k], out)
  end
  out[#out + 1] = "}"
end

encodeValue = function(v, out)
  local tv = type(v)
  if tv == "string" then
    encodeString(v, out)
  elseif tv == "number" then
    encodeNumber(v, out)
  elseif tv == "boolean" then
    out[#out + 1] = v and "true" or "false"
  elseif tv == "table" then
    encodeTable(v, out)
  else
    error("cannot encode " .. tv)
  end
end

local function encode(v)
  local out = {}
  encodeValue(v, out)
  return concat(out)
end

---------------------------------------------------------------- decoder

local unescapes = {
  ['"'] = '"', ['\\'] = '\\', ['/'] = '/', b = '\b', f = '\f',
  n = '\n', r = '\r', t = '\t',
}

-- utf8 encodes a code point below 0x10000 as UTF-8.
local function utf8(cp)
  if cp < 0x80 then
    return char(cp)
  elseif cp < 0x800 then
    return char(0xC0 + floor(cp / 64), 0x80 + cp % 64)
  end
  return char(0xE0 + floor(cp / 4096), 0x80 + floor(cp / 64) % 64, 0x80 + cp % 64)
end

local decodeValue

local function skip(s, pos)
  local _, e = find(s, "^[ \n\r\t]*", pos)
  return e + 1
end

local function decodeString(s, pos)
  -- pos is just after the opening quote
  local buf, n = nil, 0
  local start = pos
  while true do
    local q = find(s, '["\\]', pos)
    if not q then
      error("unterminated string at " .. start)
    end
    if byte(s, q) == 34 then -- closing quote
      if not buf then
        return sub(s, start, q - 1), q + 1
      end
      n = n + 1
      buf[n] = sub(s, pos, q - 1)
      return concat(buf), q + 1
    end
    buf = buf or {}
    n = n + 1
    buf[n] = sub(s, pos, q - 1)
    local c = sub(s, q + 1, q + 1)
    if c == "u" then
      local hex = sub(s, q + 2, q + 5)
      n = n + 1
      buf[n] = utf8(tonumber(hex, 16))
      pos = q + 6
    else
      n = n + 1
      buf[n] = unescapes[c] or error("bad escape \\" .. c)
      pos = q + 2
    end
  end
end

local function decodeNumber(s, pos)
  local _, e = find(s, "^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
  if not e then
    error("bad number at " .. pos)
  end
  return tonumber(sub(s, pos, e)), e + 1
end

local function decodeArray(s, pos)
  local arr, n = {}, 0
  pos = skip(s, pos)
  if byte(s, pos) == 93 then -- ]
    return arr, pos + 1
  end
  while true do
    local v
    v, pos = decodeValue(s, pos)
    n = n + 1
    arr[n] = v
    pos = skip(s, pos)
    local c = byte(s, pos)
    if c == 93 then
      return arr, pos + 1
    elseif c ~= 44 then -- ,
      error("expected , or ] at " .. pos)
    end
    pos = pos + 1
  end
end

local function decodeObject(s, pos)
  local obj = {}
  pos = skip(s, pos)
  if byte(s, pos) == 125 then -- }
    return obj, pos + 1
  end
  while true do
    pos = skip(s, pos)
    if byte(s, pos) ~= 34 then
      error("expected key at " .. pos)
    end
    local k
    k, pos = decodeString(s, pos + 1)
    pos = skip(s, pos)
    if byte(s, pos) ~= 58 then -- :
      error("expected : at " .. pos)
    end
    obj[k], pos = decodeValue(s, pos + 1)
    pos = skip(s, pos)
    local c = byte(s, pos)
    if c == 125 then
      return obj, pos + 1
    elseif c ~= 44 then
      error("expected , or } at " .. pos)
    end
    pos = pos + 1
  end
end

decodeValue = function(s, pos)
  pos = skip(s, pos)
  local c = byte(s, pos)
  if c == 123 then
    return decodeObject(s, pos + 1)
  elseif c == 91 then
    return decodeArray(s, pos + 1)
  elseif c == 34 then
    return decodeString(s, pos + 1)
  elseif c == 116 and sub(s, pos, pos + 3) == "true" then
    return true, pos + 4
  elseif c == 102 and sub(s, pos, pos + 4) == "false" then
    return false, pos + 5
  elseif c == 110 and sub(s, pos, pos + 3) == "null" then
    return null, pos + 4
  end
  return decodeNumber(s, pos)
end

local function decode(s)
  local v, pos = decodeValue(s, 1)
  pos = skip(s, pos)
  if pos <= #s then
    error("trailing garbage at " .. pos)
  end
  return v
end

---------------------------------------------------------------- document

local seed = 42
local function rand(n) -- Park-Miller; products stay below 2^53
  seed = (seed * 16807) % 2147483647
  return seed % n
end

local syllables = { "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "qu" }
local function word(len)
  local parts = {}
  for i = 1, len do
    parts[i] = syllables[rand(#syllables) + 1]
  end
  return concat(parts)
end

local function record(i)
  local tags = {}
  for j = 1, rand(5) do
    tags[j] = word(2)
  end
  return {
    id = i,
    name = word(3) .. " " .. word(4),
    email = word(3) .. "@" .. word(2) .. ".example",
    active = rand(2) == 1,
    score = rand(100000) / 100,
    balance = rand(2000000) - 1000000,
    tags = tags,
    parent = (i % 5 == 0) and null or i - 1,
    address = {
      street = word(3) .. " street " .. rand(500),
      city = word(2),
      zip = format("%05d", rand(100000)),
      geo = { lat = rand(180000) / 1000 - 90, lon = rand(360000) / 1000 - 180 },
    },
    note = "line \"" .. i .. "\"\n\ttab\\slash\1ctl \226\130\172",
  }
end

local doc = { version = 3, generator = "lunar-bench", records = {}, empty = {} }
for i = 1, N do
  doc.records[i] = record(i)
end

---------------------------------------------------------------- run

-- hash folds every 7th byte of s and its length.
local function hash(h, s)
  h = (h * 31 + #s) % M
  for i = 1, #s, 7 do
    h = (h * 31 + byte(s, i)) % M
  end
  return h
end

-- count counts the values in a decoded tree.
local function count(v)
  if type(v) ~= "table" or v == null then
    return 1
  end
  local n = 1
  for _, x in pairs(v) do
    n = n + count(x)
  end
  return n
end

local text = encode(doc)
local h, nodes = 0, 0
for _ = 1, 4 do
  local d = decode(text)
  nodes = nodes + count(d)
  local again = encode(d)
  if again ~= text then
    error("round trip changed the text")
  end
  text = again
end
h = hash(h, text)

print(format("json %d: bytes=%d nodes=%d hash=%d", N, #text, nodes, h))
