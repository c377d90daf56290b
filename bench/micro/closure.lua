local f for i = 1, 5000000 do f = function() return i end end print(f())
