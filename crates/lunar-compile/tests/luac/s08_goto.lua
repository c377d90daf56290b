goto skip; do return end ::skip:: while true do break end repeat local z = 1 until z
