local t = {
  f = function(a)
    return a +
  end
}