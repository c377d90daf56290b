print("before")
_PROMPT = setmetatable({}, {__tostring = function() error("bad prompt") end})
print("not reached")
