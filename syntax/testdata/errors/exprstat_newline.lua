f
(g)
x