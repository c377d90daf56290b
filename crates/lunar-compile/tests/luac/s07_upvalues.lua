local up = {} return function(...) up[#up + 1] = select("#", ...) return up end
