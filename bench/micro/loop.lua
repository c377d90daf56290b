local a, b, c = 0, 1, 2 for i = 1, 50000000 do a = b + c end print(a)
