-- mandelbrot (Lua 5.1 variant): same computation and output as mandelbrot.lua
-- but packs the bits with arithmetic, since Lua 5.1 has no bitwise operators.
-- Usage: mandelbrot_51.lua [n]   (default 1200)
local N = tonumber(arg and arg[1]) or 1200

local ITER = 50
local h = 0
local nbytes, ones = 0, 0

for y = 0, N - 1 do
  local Ci = 2 * y / N - 1
  local bits, nbits = 0, 0
  for x = 0, N - 1 do
    local Cr = 2 * x / N - 1.5
    local Zr, Zi, Zrq, Ziq = 0.0, 0.0, 0.0, 0.0
    local inside = 1
    for _ = 1, ITER do
      Zi = 2 * Zr * Zi + Ci
      Zr = Zrq - Ziq + Cr
      Zrq = Zr * Zr
      Ziq = Zi * Zi
      if Zrq + Ziq > 4.0 then
        inside = 0
        break
      end
    end
    bits = bits * 2 + inside
    ones = ones + inside
    nbits = nbits + 1
    if nbits == 8 then
      h = (h * 31 + bits) % 2147483647
      nbytes = nbytes + 1
      bits, nbits = 0, 0
    end
  end
  if nbits > 0 then
    -- pad the last byte of the row with zero bits, as PBM does
    bits = bits * 2 ^ (8 - nbits)
    h = (h * 31 + bits) % 2147483647
    nbytes = nbytes + 1
  end
end

print(string.format("mandelbrot %d: bytes=%d ones=%d hash=%d", N, nbytes, ones, h))
