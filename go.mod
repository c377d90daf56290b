module github.com/lunar-lua/lunar

go 1.26
