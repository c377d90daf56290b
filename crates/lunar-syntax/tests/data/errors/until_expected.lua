repeat
 x()
