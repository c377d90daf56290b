return x.y.z, x:m(1, 2), not x, #x, -x, ~x, x and y or z, x == y, x < 1, x >= 2.5, x ~= "s"
