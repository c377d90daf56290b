local function f(...)
  for i =
    ..., 2 do end
  for k in
    ... do end
  for i
    = {}, 2 do end
  for k
 in
 {} do end
end
