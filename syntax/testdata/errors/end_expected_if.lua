if x then
 y()
