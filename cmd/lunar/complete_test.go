package main

import (
	"slices"
	"testing"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/stdlib"
)

func TestComplete(t *testing.T) {
	s := lunar.NewState()
	stdlib.OpenAll(s)
	if _, err := s.DoString("=setup", `
		config = {port = 80, host = "x", nested = {deep = 1}, [1] = "no", ["not a name"] = 2}
		obj = setmetatable({own = 1}, {__index = {inherited = 2}})
		str = "text"
	`); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		line       string
		pos        int // -1: end of line
		head, tail string
		want       []string // nil: no completion
		contains   []string // checked instead of want when set
	}{
		{line: "pri", pos: -1, want: []string{"print"}},
		{line: "x = con", pos: -1, head: "x = ", want: []string{"config"}},
		{line: "config.", pos: -1, want: []string{"config.host", "config.nested", "config.port"}},
		{line: "config.p + 1", pos: 8, tail: " + 1", want: []string{"config.port"}},
		{line: "config.nested.d", pos: -1, want: []string{"config.nested.deep"}},
		{line: "obj.", pos: -1, want: []string{"obj.inherited", "obj.own"}},
		{line: "str:up", pos: -1, want: []string{"str:upper"}},
		{line: "string.for", pos: -1, want: []string{"string.format"}},
		{line: "whi", pos: -1, want: []string{"while"}},
		{line: "nothing.x", pos: -1, head: "nothing.x"},
		{line: "config.port.x", pos: -1, head: "config.port.x"},
		{line: "a:b.c", pos: -1, head: "a:b.c"},
		{line: "12", pos: -1, head: "12"},
		{line: "", pos: -1, contains: []string{"print", "string", "while", "config"}},
		{line: "ä = str:le", pos: -1, head: "ä = ", want: []string{"str:len"}},
	}
	for _, tt := range tests {
		pos := tt.pos
		if pos < 0 {
			pos = len([]rune(tt.line))
		}
		head, got, tail := complete(s, tt.line, pos)
		if head != tt.head || tail != tt.tail {
			t.Errorf("complete(%q, %d): head %q tail %q, want %q %q", tt.line, pos, head, tail, tt.head, tt.tail)
		}
		if tt.contains != nil {
			for _, c := range tt.contains {
				if !slices.Contains(got, c) {
					t.Errorf("complete(%q, %d) lacks %q: %q", tt.line, pos, c, got)
				}
			}
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("complete(%q, %d) = %q, want %q", tt.line, pos, got, tt.want)
		}
	}
}
