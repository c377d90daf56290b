[==[ long 
 string ]==] --[[ c ]] 0x1p4 0x.8 3e-2 "\u{10FFFF}\z  \x41\65"