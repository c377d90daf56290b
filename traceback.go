package lunar

import (
	"fmt"
	"strings"
	"unsafe"
)

// stackTrace describes the frames from level (0 = running function)
// outwards.
func (th *Thread) stackTrace(level int) []StackFrame {
	var out []StackFrame
	names := th.loadedFuncNames()
	for l := level; ; l++ {
		f := th.frameAt(l)
		if f == nil {
			break
		}
		out = append(out, th.describeFrame(l, names))
		if f.tail {
			out = append(out, StackFrame{Source: "(...tail calls...)", Line: -1, Function: ""})
		}
	}
	return out
}

// describeFrame builds the traceback entry for the frame at level.
func (th *Thread) describeFrame(level int, names map[unsafe.Pointer]string) StackFrame {
	f := th.frameAt(level)
	sf := StackFrame{Line: -1}
	if f.cl != nil {
		sf.Source = chunkID(f.cl.proto.Source)
		sf.Line = f.currentLine()
	} else {
		sf.Source = "[C]"
	}
	sf.Function = th.functionDescription(level, names)
	return sf
}

// functionDescription says what function runs at level, as the
// reference's traceback does ("function 'f'", "local 'f'", "method 'm'",
// "main chunk", "function <file:12>", "?").
func (th *Thread) functionDescription(level int, names map[unsafe.Pointer]string) string {
	f := th.frameAt(level)
	var p unsafe.Pointer
	if f.cl != nil {
		p = unsafe.Pointer(f.cl)
	} else {
		p = unsafe.Pointer(f.gf)
	}
	if name, ok := names[p]; ok {
		return "function '" + name + "'"
	}
	kind, name := th.funcNameFromCall(level)
	if kind != "" {
		// A global not found among the loaded modules above (one of a
		// custom _ENV, or one since reassigned) keeps its "global" kind.
		switch kind {
		case "metamethod":
			return "metamethod '" + name + "'"
		case "for iterator":
			return "for iterator 'for iterator'"
		}
		return kind + " '" + name + "'"
	}
	if f.cl != nil {
		if f.cl.proto.LineDefined == 0 {
			return "main chunk"
		}
		return fmt.Sprintf("function <%s:%d>", chunkID(f.cl.proto.Source), f.cl.proto.LineDefined)
	}
	return "?"
}

// loadedFuncNames maps the functions found in the loaded modules to their
// qualified names ("string.rep"; globals without the "_G." prefix), as the
// reference's pushglobalfuncname finds them.
func (th *Thread) loadedFuncNames() map[unsafe.Pointer]string {
	names := map[unsafe.Pointer]string{}
	loaded := th.state.Loaded()
	if loaded == nil {
		return names
	}
	k := Nil
	for {
		nk, v, ok, _ := loaded.Next(k)
		if !ok {
			break
		}
		k = nk
		t := v.AsTable()
		if t == nil || !nk.IsString() {
			continue
		}
		mod := nk.AsString()
		fk := Nil
		for {
			k2, v2, ok2, _ := t.Next(fk)
			if !ok2 {
				break
			}
			fk = k2
			if !v2.IsFunction() || !k2.IsString() {
				continue
			}
			if mod == "_G" {
				// Names from _G count only where no module gives one.
				if _, seen := names[v2.p]; !seen {
					names[v2.p] = k2.AsString()
				}
				continue
			}
			names[v2.p] = mod + "." + k2.AsString()
		}
	}
	return names
}

// Traceback returns the reference-style traceback text of the thread from
// level on, after msg (when not empty).
func (th *Thread) Traceback(msg string, level int) string {
	var sb strings.Builder
	if msg != "" {
		sb.WriteString(msg)
		sb.WriteString("\n")
	}
	sb.WriteString("stack traceback:")
	frames := th.stackTrace(level)
	const head, tail = 10, 11
	for i, sf := range frames {
		if len(frames) > head+tail && i == head {
			fmt.Fprintf(&sb, "\n\t...\t(skipping %d levels)", len(frames)-head-tail)
		}
		if len(frames) > head+tail && i >= head && i < len(frames)-tail {
			continue
		}
		sb.WriteString("\n\t")
		if sf.Function == "" {
			sb.WriteString(sf.Source)
			continue
		}
		sb.WriteString(sf.String())
	}
	return sb.String()
}
