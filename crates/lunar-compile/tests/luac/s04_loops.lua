local x = 0 for i = 1, 10 do x = x + i end for k, v in pairs({}) do x = x + v end return x
