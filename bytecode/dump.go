package bytecode

import (
	"encoding/binary"
	"errors"
	"math"
	"strings"
)

// Binary chunks (string.dump and load of precompiled code).
//
// The format is Lunar's own. Its header follows the layout of the
// reference's, so that a chunk from another implementation, another
// version or a damaged file is rejected with the reference's messages:
//
//	"\x1bLua"                signature
//	0x54                     version (5.4)
//	DumpFormat               format (the reference writes 0)
//	"\x19\x93\r\n\x1a\n"     conversion check
//	4, 8, 8                  sizes of Instruction, integer, float
//	0x5678 (8 bytes)         integer check
//	370.5 (8 bytes)          float check
//	n                        number of upvalues of the main function
//
// followed by the main function. All multi-byte numbers are
// little-endian; counts, lengths and line numbers are unsigned varints
// (encoding/binary's), line deltas signed varints. A function is:
//
//	source            string (absent: the parent's source)
//	linedefined, lastlinedefined, numparams, isvararg, maxstacksize
//	code              count, then 4 bytes per instruction
//	constants         count, then a tag byte and the value for each
//	upvalues          count, then instack, index, kind for each
//	protos            count, then each function
//	debug             line deltas, local variables, upvalue names
//
// A string is a varint n, the string being absent when n is 0 and of n-1
// bytes otherwise.
//
// Undump checks everything the VM relies on (see Verify), so that a
// damaged or malicious chunk is an error and never a crash.

// DumpFormat is the format byte of Lunar's binary chunks; it changes when
// the format or the instruction set does.
const DumpFormat = 0x4C

const (
	dumpSignature = "\x1bLua"
	dumpVersion   = 0x54
	dumpData      = "\x19\x93\r\n\x1a\n"
	dumpCheckInt  = 0x5678
	dumpCheckNum  = 370.5

	// dumpMaxDepth bounds the nesting of functions in a chunk (the
	// parser's limit is lower).
	dumpMaxDepth = 250
)

// Constant tags.
const (
	constNil = iota
	constFalse
	constTrue
	constInt
	constFloat
	constString
)

// Dump serialises a function prototype and its nested prototypes as a
// binary chunk. With strip, debug information (line numbers, local and
// upvalue names, the source name) is left out.
func Dump(p *Proto, strip bool) []byte {
	d := dumper{strip: strip}
	d.b = append(d.b, dumpSignature...)
	d.b = append(d.b, dumpVersion, DumpFormat)
	d.b = append(d.b, dumpData...)
	d.b = append(d.b, 4, 8, 8)
	d.b = binary.LittleEndian.AppendUint64(d.b, dumpCheckInt)
	d.b = binary.LittleEndian.AppendUint64(d.b, math.Float64bits(dumpCheckNum))
	d.b = append(d.b, byte(len(p.Upvalues)))
	d.function(p, "")
	return d.b
}

type dumper struct {
	b     []byte
	strip bool
}

func (d *dumper) uvarint(n int) { d.b = binary.AppendUvarint(d.b, uint64(n)) }

func (d *dumper) str(s string, present bool) {
	if !present {
		d.uvarint(0)
		return
	}
	d.uvarint(len(s) + 1)
	d.b = append(d.b, s...)
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func (d *dumper) function(p *Proto, parentSource string) {
	d.str(p.Source, !d.strip && p.Source != parentSource)
	d.uvarint(p.LineDefined)
	d.uvarint(p.LastLineDefined)
	d.b = append(d.b, byte(p.NumParams), boolByte(p.IsVararg), byte(p.MaxStackSize))
	d.uvarint(len(p.Code))
	for _, i := range p.Code {
		d.b = binary.LittleEndian.AppendUint32(d.b, uint32(i))
	}
	d.uvarint(len(p.Constants))
	for _, c := range p.Constants {
		switch c := c.(type) {
		case nil:
			d.b = append(d.b, constNil)
		case bool:
			d.b = append(d.b, constFalse+boolByte(c))
		case int64:
			d.b = append(d.b, constInt)
			d.b = binary.LittleEndian.AppendUint64(d.b, uint64(c))
		case float64:
			d.b = append(d.b, constFloat)
			d.b = binary.LittleEndian.AppendUint64(d.b, math.Float64bits(c))
		case string:
			d.b = append(d.b, constString)
			d.str(c, true)
		default:
			panic("bytecode: bad constant type in prototype")
		}
	}
	d.uvarint(len(p.Upvalues))
	for _, u := range p.Upvalues {
		d.b = append(d.b, boolByte(u.InStack))
		d.uvarint(u.Index)
		d.b = append(d.b, byte(u.Kind))
	}
	d.uvarint(len(p.Protos))
	for _, sub := range p.Protos {
		d.function(sub, p.Source)
	}
	// Debug information.
	if d.strip {
		d.uvarint(0)
		d.uvarint(0)
		d.uvarint(0)
		return
	}
	d.uvarint(len(p.LineInfo))
	prev := int32(p.LineDefined)
	for _, l := range p.LineInfo {
		d.b = binary.AppendVarint(d.b, int64(l-prev))
		prev = l
	}
	d.uvarint(len(p.LocVars))
	for _, v := range p.LocVars {
		d.str(v.Name, true)
		d.uvarint(v.StartPC)
		d.uvarint(v.EndPC)
	}
	d.uvarint(len(p.Upvalues))
	for _, u := range p.Upvalues {
		d.str(u.Name, true)
	}
}

// UndumpError is the error of a binary chunk that cannot be loaded. Its
// message is the reference's: "<name>: bad binary format (<why>)".
type UndumpError struct {
	Name string // chunk name as shown in the message
	Why  string // "truncated chunk", "version mismatch", ...
	// Detail says what Verify found wrong in a corrupted chunk.
	Detail string
}

func (e *UndumpError) Error() string {
	return e.Name + ": bad binary format (" + e.Why + ")"
}

// errTruncated is raised inside the reader when the data ends early.
var errTruncated = errors.New("truncated chunk")

// Undump loads a binary chunk made by Dump. chunkname is the name given to
// load, used only in error messages (as the reference uses it: without
// its '@' or '=' prefix, and "binary string" for a chunk named by its own
// text). The result has passed Verify.
func Undump(data []byte, chunkname string) (*Proto, error) {
	name := chunkname
	switch {
	case strings.HasPrefix(name, "@") || strings.HasPrefix(name, "="):
		name = name[1:]
	case strings.HasPrefix(name, dumpSignature[:1]):
		name = "binary string"
	}
	u := undumper{data: data}
	fail := func(why string) (*Proto, error) {
		if u.truncated {
			why = "truncated chunk"
		}
		return nil, &UndumpError{Name: name, Why: why}
	}
	if !u.literal(dumpSignature) {
		return fail("not a binary chunk")
	}
	if u.byte() != dumpVersion {
		return fail("version mismatch")
	}
	if u.byte() != DumpFormat {
		return fail("format mismatch")
	}
	if !u.literal(dumpData) {
		return fail("corrupted chunk")
	}
	for _, s := range []struct {
		size byte
		name string
	}{{4, "Instruction"}, {8, "lua_Integer"}, {8, "lua_Number"}} {
		if u.byte() != s.size {
			return fail(s.name + " size mismatch")
		}
	}
	if u.uint64() != dumpCheckInt {
		return fail("integer format mismatch")
	}
	if math.Float64frombits(u.uint64()) != dumpCheckNum {
		return fail("float format mismatch")
	}
	nup := int(u.byte())
	if u.truncated {
		return fail("truncated chunk")
	}
	p := u.function("=?", 0)
	if u.truncated {
		return fail("truncated chunk")
	}
	if u.bad != "" {
		e := &UndumpError{Name: name, Why: "corrupted chunk", Detail: u.bad}
		return nil, e
	}
	if len(p.Upvalues) != nup {
		return nil, &UndumpError{Name: name, Why: "corrupted chunk", Detail: "upvalue count mismatch"}
	}
	if err := Verify(p); err != nil {
		return nil, &UndumpError{Name: name, Why: "corrupted chunk", Detail: err.Error()}
	}
	return p, nil
}

// undumper reads a chunk. Reading past the end sets truncated and yields
// zeros; a malformed value sets bad. Callers check both at the end.
type undumper struct {
	data      []byte
	pos       int
	truncated bool
	bad       string
}

func (u *undumper) failed() bool { return u.truncated || u.bad != "" }

func (u *undumper) corrupt(why string) {
	if u.bad == "" {
		u.bad = why
	}
}

func (u *undumper) literal(s string) bool {
	if len(u.data)-u.pos < len(s) {
		u.truncated = true
		return false
	}
	ok := string(u.data[u.pos:u.pos+len(s)]) == s
	u.pos += len(s)
	return ok
}

func (u *undumper) byte() byte {
	if u.pos >= len(u.data) {
		u.truncated = true
		return 0
	}
	b := u.data[u.pos]
	u.pos++
	return b
}

func (u *undumper) bytes(n int) []byte {
	if n < 0 || len(u.data)-u.pos < n {
		u.truncated = true
		u.pos = len(u.data)
		return nil
	}
	b := u.data[u.pos : u.pos+n]
	u.pos += n
	return b
}

func (u *undumper) uint64() uint64 {
	b := u.bytes(8)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(b)
}

// count reads a count or size: a varint no larger than limit.
func (u *undumper) count(limit int) int {
	if u.failed() {
		return 0
	}
	n, k := binary.Uvarint(u.data[u.pos:])
	if k == 0 {
		u.truncated = true
		return 0
	}
	if k < 0 || n > uint64(limit) {
		u.corrupt("size out of range")
		return 0
	}
	u.pos += k
	return int(n)
}

// elements reads the count of a list whose elements take at least min
// bytes each, so that a small chunk cannot ask for a huge allocation.
func (u *undumper) elements(min int) int {
	n := u.count(math.MaxInt32)
	if n > (len(u.data)-u.pos)/min {
		u.truncated = true
		return 0
	}
	return n
}

func (u *undumper) varint() int64 {
	if u.failed() {
		return 0
	}
	n, k := binary.Varint(u.data[u.pos:])
	if k == 0 {
		u.truncated = true
		return 0
	}
	if k < 0 {
		u.corrupt("bad number")
		return 0
	}
	u.pos += k
	return n
}

func (u *undumper) str() (string, bool) {
	n := u.count(math.MaxInt32)
	if n == 0 {
		return "", false
	}
	b := u.bytes(n - 1)
	return string(b), !u.failed()
}

func (u *undumper) function(parentSource string, depth int) *Proto {
	p := &Proto{}
	if depth > dumpMaxDepth {
		u.corrupt("functions nested too deeply")
		return p
	}
	if s, ok := u.str(); ok {
		p.Source = s
	} else {
		p.Source = parentSource
	}
	p.LineDefined = u.count(math.MaxInt32)
	p.LastLineDefined = u.count(math.MaxInt32)
	p.NumParams = int(u.byte())
	switch u.byte() {
	case 0:
	case 1:
		p.IsVararg = true
	default:
		u.corrupt("bad vararg flag")
	}
	p.MaxStackSize = int(u.byte())
	if n := u.elements(4); n > 0 {
		p.Code = make([]Instruction, n)
		for i := range p.Code {
			b := u.bytes(4)
			if b == nil {
				return p
			}
			p.Code[i] = Instruction(binary.LittleEndian.Uint32(b))
		}
	}
	if n := u.elements(1); n > 0 {
		p.Constants = make([]any, n)
		for i := range p.Constants {
			switch u.byte() {
			case constNil:
				p.Constants[i] = nil
			case constFalse:
				p.Constants[i] = false
			case constTrue:
				p.Constants[i] = true
			case constInt:
				p.Constants[i] = int64(u.uint64())
			case constFloat:
				p.Constants[i] = math.Float64frombits(u.uint64())
			case constString:
				s, ok := u.str()
				if !ok && !u.failed() {
					u.corrupt("absent string constant")
				}
				p.Constants[i] = s
			default:
				u.corrupt("bad constant tag")
			}
			if u.failed() {
				return p
			}
		}
	}
	if n := u.elements(3); n > 0 {
		p.Upvalues = make([]UpvalueDesc, n)
		for i := range p.Upvalues {
			uv := &p.Upvalues[i]
			switch u.byte() {
			case 0:
			case 1:
				uv.InStack = true
			default:
				u.corrupt("bad upvalue flag")
			}
			uv.Index = u.count(math.MaxInt32)
			uv.Kind = VarKind(u.byte())
			if uv.Kind > VarCTC {
				u.corrupt("bad upvalue kind")
			}
			if u.failed() {
				return p
			}
		}
	}
	if n := u.elements(8); n > 0 {
		p.Protos = make([]*Proto, n)
		for i := range p.Protos {
			p.Protos[i] = u.function(p.Source, depth+1)
			if u.failed() {
				return p
			}
		}
	}
	// Debug information.
	if n := u.elements(1); n > 0 {
		if n != len(p.Code) {
			u.corrupt("line information does not match the code")
			return p
		}
		p.LineInfo = make([]int32, n)
		line := int64(p.LineDefined)
		for i := range p.LineInfo {
			line += u.varint()
			if line < 0 || line > math.MaxInt32 {
				u.corrupt("line number out of range")
				return p
			}
			p.LineInfo[i] = int32(line)
		}
	}
	if n := u.elements(3); n > 0 {
		p.LocVars = make([]LocVar, n)
		for i := range p.LocVars {
			v := &p.LocVars[i]
			v.Name, _ = u.str()
			v.StartPC = u.count(math.MaxInt32)
			v.EndPC = u.count(math.MaxInt32)
			if u.failed() {
				return p
			}
		}
	}
	if n := u.elements(1); n > 0 {
		if n != len(p.Upvalues) {
			u.corrupt("upvalue names do not match the upvalues")
			return p
		}
		for i := range p.Upvalues {
			p.Upvalues[i].Name, _ = u.str()
		}
	}
	return p
}
