#!shebang
x=1