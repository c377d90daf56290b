local a <const> = 1; local b <close> = nil; local c = 2^53 | 0; return a, c, -0.0, 1e300, "\0\255"
