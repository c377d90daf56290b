local f = function
(a)
  return a
