local s for i = 1, 3000000 do s = 'item' .. i end print(s)
