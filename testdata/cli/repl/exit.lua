print(1)
os.exit(3)
print(2)
