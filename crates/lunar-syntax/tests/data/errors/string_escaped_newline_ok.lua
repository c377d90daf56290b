x = 'abc\
def' y