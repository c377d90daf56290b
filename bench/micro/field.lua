local p = {x = 1, y = 2, z = 3} for i = 1, 20000000 do p.x = p.y + p.z end print(p.x)
