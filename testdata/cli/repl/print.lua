print = function(...) io.write("P:", select("#", ...), "\n") end
1, 2
nil
print = function() error({}) end
1
print = function() error("print failed") end
1
print = nil
3
