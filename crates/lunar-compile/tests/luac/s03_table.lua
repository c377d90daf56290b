local t = {1, 2, 3, x = 1, [10] = "ten", f(), g(...)} return t
