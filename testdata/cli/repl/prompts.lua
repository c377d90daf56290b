_PROMPT = "lua> "
_PROMPT2 = setmetatable({}, {__tostring = function() return "...> " end})
for i = 1, 2 do
end
1
_PROMPT = 42
_PROMPT2 = true
if x then
end
_PROMPT = nil
_PROMPT2 = nil
"back"
