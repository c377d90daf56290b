-- The JSON echo route: decode the body, answer it.
return function(req)
  return { body = req:json() }
end
