print(1)
print(2)

x = 3x
