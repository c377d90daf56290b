-- §6.9: os.date at the most negative integer time: the year does not fit,
-- so the reference raises its error (Lunar must not overflow on the way).
print(pcall(os.date, "!%Y", math.mininteger))
print(pcall(os.date, "!*t", math.mininteger))
print(pcall(os.date, "%Y", math.mininteger))
print(pcall(os.date, "!%Y", math.mininteger + 86400 * 366))
