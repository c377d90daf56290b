print(os.setlocale("C.utf8"), os.setlocale("POSIX"), os.setlocale("C.UTF-8", "numeric"), os.setlocale(), os.setlocale(nil,"ctype"), os.setlocale("C","numeric"), os.setlocale())
print(os.setlocale("xx"), os.setlocale("xx", "time"), os.setlocale(), os.setlocale(""), os.setlocale("", "numeric"), os.setlocale("", "time"))
print(pcall(os.setlocale, "C", "bad"))
