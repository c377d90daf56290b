package syntax

import (
	"sort"
	"strconv"
	"strings"
)

// Error is a lexical or syntax error.
type Error struct {
	// Chunk is the chunk name as given to Parse ("@file.lua", "=stdin", or
	// the source text itself); Error formats it with ChunkID.
	Chunk string
	// Pos is where the error was found. Pos.Line is the line the reference
	// reports: for an error about a token, the line where that token ends.
	// Errors that the reference reports without a position ("C stack
	// overflow") have the zero Pos.
	Pos Pos
	// Msg is the message after the "chunk:line: " prefix, including its
	// " near ..." part where the reference prints one.
	Msg string
}

// Error returns the message as the reference interpreter prints it, such
// as `input:3: 'end' expected (to close 'function' at line 1) near <eof>`.
// An Error without a valid position prints its Msg alone.
func (e *Error) Error() string {
	if !e.Pos.IsValid() {
		return e.Msg
	}
	return ChunkID(e.Chunk) + ":" + strconv.Itoa(int(e.Pos.Line)) + ": " + e.Msg
}

// ErrorList is a list of errors, in the order the parser found them (which
// is also position order). It implements sort.Interface.
type ErrorList []*Error

// Error returns the first error's message, exactly as the reference prints
// its only one.
func (l ErrorList) Error() string {
	if len(l) == 0 {
		return "no errors"
	}
	return l[0].Error()
}

// Unwrap returns the errors of the list, so that errors.As finds an
// *Error in it.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// Err returns l as an error, or nil when l is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Len implements sort.Interface.
func (l ErrorList) Len() int { return len(l) }

// Swap implements sort.Interface.
func (l ErrorList) Swap(i, j int) { l[i], l[j] = l[j], l[i] }

// Less implements sort.Interface, ordering errors by chunk name, then
// position; errors without a position go last.
func (l ErrorList) Less(i, j int) bool {
	a, b := l[i], l[j]
	if a.Chunk != b.Chunk {
		return a.Chunk < b.Chunk
	}
	if a.Pos.IsValid() != b.Pos.IsValid() {
		return a.Pos.IsValid()
	}
	if a.Pos.Line != b.Pos.Line {
		return a.Pos.Line < b.Pos.Line
	}
	return a.Pos.Col < b.Pos.Col
}

// Sort sorts the list by position; errors of equal position keep their
// order.
func (l ErrorList) Sort() { sort.Stable(l) }

// idSize is the reference's LUA_IDSIZE: the size of the buffer, including
// its terminating zero byte, that holds a chunk name in messages.
const idSize = 60

// ChunkID formats a chunk name for messages as the reference does
// (luaO_chunkid). "=name" gives name and "@file" gives file, each cut to 59
// bytes (a file name loses its beginning, marked by "..."); any other
// chunk name is source text and gives `[string "first line"]`, cut at the
// first newline or after 45 bytes, with "..." where something was cut.
// As in the reference, a chunk name stops at its first zero byte.
func ChunkID(chunkname string) string {
	if i := strings.IndexByte(chunkname, 0); i >= 0 {
		chunkname = chunkname[:i]
	}
	switch {
	case strings.HasPrefix(chunkname, "="):
		name := chunkname[1:]
		if len(name) > idSize-1 {
			name = name[:idSize-1]
		}
		return name
	case strings.HasPrefix(chunkname, "@"):
		name := chunkname[1:]
		if len(name) > idSize-1 {
			keep := idSize - 1 - len("...")
			name = "..." + name[len(name)-keep:]
		}
		return name
	}
	const pre, rets, post = `[string "`, "...", `"]`
	room := idSize - len(pre) - len(rets) - len(post) - 1
	nl := strings.IndexByte(chunkname, '\n')
	if nl < 0 && len(chunkname) < room {
		return pre + chunkname + post
	}
	text := chunkname
	if nl >= 0 {
		text = text[:nl]
	}
	if len(text) > room {
		text = text[:room]
	}
	return pre + text + rets + post
}
