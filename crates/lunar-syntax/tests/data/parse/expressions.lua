return 1 + 2 * 3 ^ -4 ^ 5 .. "x" .. 'y' == a and not b or c,
  ~a & b | c ~ d << 1 >> 2 // 3 % 4 / 5 - #t,
  function(a, b, ...) return ... end,
  {[[
long]], x = {}, [1.5] = 0x10, 0xffffffffffffffff, 9223372036854775808},
  a.b.c[d](e):f"g"{h}
