x = [[abc
def