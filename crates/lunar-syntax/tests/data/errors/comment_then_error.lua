-- comment
--[[ long
comment ]] x = = 2