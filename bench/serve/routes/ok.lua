-- The trivial route: a one-line JSON answer.
return function(req)
  return { ok = true }
end
