package stdlib

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/lunar-lua/lunar"
)

// ioFile is the Go side of a Lua file handle (the userdata io.open
// returns): a stream with C stdio's behaviour. Reads go through a
// read-ahead buffer, writes through a write buffer (by default; see
// setvbuf); switching between reading and writing, seeking and closing
// settle both buffers as C's streams do.
type ioFile struct {
	file *os.File      // the open file (nil for a host writer)
	r    *bufio.Reader // read side; nil when not open for reading
	w    io.Writer     // write side; nil when not open for writing
	wbuf []byte        // output not yet written (buffered modes)
	// scratch formats numbers without allocating.
	scratch [32]byte

	bufMode int // ioBufFull, ioBufLine or ioBufNo
	bufSize int
	// unbuffered is set once the stream has been made unbuffered: like
	// glibc's streams it then keeps a one-byte buffer whatever mode is
	// set later.
	unbuffered bool

	kind   int  // ioKindFile, ioKindStd or ioKindPipe
	std    int  // ioStdin, ioStdout or ioStderr for the standard files
	closed bool // closed by close, __close or __gc
	// appendOnly is set for mode "a": glibc then reports the end of the
	// file as the initial position.
	appendOnly bool

	// For io.popen: the command, the parent's end of its pipe, and the
	// command's other output when it goes to a host writer.
	cmd    *exec.Cmd
	pipe   *os.File
	output []ioChildOutput
}

// ioChildOutput collects what a command started by io.popen writes to a
// host writer that is not a file. Such a writer is not safe for use by the
// goroutine that exec starts to copy the output while the script runs, so
// the output is kept here and handed to the writer when the command has
// ended (at close).
type ioChildOutput struct {
	w   io.Writer
	buf *ioLockedBuffer
}

// ioLockedBuffer is a buffer safe for concurrent use.
type ioLockedBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *ioLockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	b.buf = append(b.buf, p...)
	b.mu.Unlock()
	return len(p), nil
}

// childWriter returns what to give a command as its output stream for
// the host writer w: w itself when it is a file, else a buffer recorded
// in f for delivery at close.
func (f *ioFile) childWriter(w io.Writer) io.Writer {
	if file, ok := w.(*os.File); ok {
		return file
	}
	b := &ioLockedBuffer{}
	f.output = append(f.output, ioChildOutput{w: w, buf: b})
	return b
}

// Buffering modes (setvbuf).
const (
	ioBufFull = iota
	ioBufLine
	ioBufNo
)

// Kinds of streams, which close differently.
const (
	ioKindFile = iota // io.open, io.tmpfile: closing closes the file
	ioKindStd         // io.stdin, io.stdout, io.stderr: cannot be closed
	ioKindPipe        // io.popen: closing waits for the command
)

// ioDefaultBufSize is the size of a file's buffers.
const ioDefaultBufSize = 4096

// ioErrBadFD is the error of a read on a stream not open for reading, or
// a write on one not open for writing (as glibc reports them).
var ioErrBadFD = syscall.EBADF

// ioNewFile returns a stream over file, open for reading and/or writing.
func ioNewFile(file *os.File, read, write bool) *ioFile {
	f := &ioFile{file: file, kind: ioKindFile, bufSize: ioDefaultBufSize}
	if read {
		f.r = bufio.NewReaderSize(file, ioDefaultBufSize)
	}
	if write {
		f.w = file
	}
	return f
}

// ioCheckMode reports whether mode is a valid mode for io.open: one of
// "r", "w", "a", optionally followed by "+", then any number of "b".
func ioCheckMode(mode string) bool {
	if mode == "" || strings.IndexByte("rwa", mode[0]) < 0 {
		return false
	}
	mode = mode[1:]
	mode = strings.TrimPrefix(mode, "+")
	return strings.Trim(mode, "b") == ""
}

// ioOpenFile opens name with a mode accepted by ioCheckMode, as C's fopen.
func ioOpenFile(name, mode string) (*ioFile, error) {
	plus := len(mode) > 1 && mode[1] == '+'
	var flag int
	switch mode[0] {
	case 'r':
		flag = os.O_RDONLY
	case 'w':
		flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	case 'a':
		flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	if plus {
		flag = flag&^os.O_WRONLY | os.O_RDWR
	}
	file, err := os.OpenFile(name, flag, 0o666)
	if err != nil {
		return nil, err
	}
	f := ioNewFile(file, mode[0] == 'r' || plus, mode[0] != 'r' || plus)
	f.appendOnly = mode[0] == 'a' && !plus
	return f, nil
}

// flush writes the buffered output.
func (f *ioFile) flush() error {
	if len(f.wbuf) == 0 {
		return nil
	}
	_, err := f.w.Write(f.wbuf)
	f.wbuf = f.wbuf[:0]
	return err
}

// prepareRead makes the stream ready for reading: output still buffered
// is written first.
func (f *ioFile) prepareRead() error {
	if f.r == nil && f.std == ioStdin && !f.closed {
		// Standard input gets its buffer on first use: most states never
		// read it, and a state should cost little to make.
		f.r = bufio.NewReaderSize(f.file, ioDefaultBufSize)
	}
	if f.r == nil {
		return ioErrBadFD
	}
	return f.flush()
}

// prepareWrite makes the stream ready for writing: input read ahead but
// not consumed is given back to the file by moving its position back.
func (f *ioFile) prepareWrite() error {
	if f.w == nil {
		return ioErrBadFD
	}
	if f.r != nil && f.r.Buffered() > 0 && f.file != nil {
		if _, err := f.file.Seek(int64(-f.r.Buffered()), io.SeekCurrent); err == nil {
			f.r.Reset(f.file)
		}
	}
	return nil
}

// writeString writes s to the stream through its buffer.
func (f *ioFile) writeString(s string) error {
	if err := f.prepareWrite(); err != nil {
		return err
	}
	if f.bufMode == ioBufNo {
		_, err := io.WriteString(f.w, s)
		return err
	}
	if len(f.wbuf)+len(s) > f.bufSize {
		if err := f.flush(); err != nil {
			return err
		}
		if len(s) >= f.bufSize {
			_, err := io.WriteString(f.w, s)
			return err
		}
	}
	f.wbuf = append(f.wbuf, s...)
	if f.bufMode == ioBufLine && strings.IndexByte(s, '\n') >= 0 {
		return f.flush()
	}
	return nil
}

// writeInt writes an integer in decimal.
func (f *ioFile) writeInt(i int64) error {
	return f.writeBytes(strconv.AppendInt(f.scratch[:0], i, 10))
}

// writeBytes is writeString for a byte slice.
func (f *ioFile) writeBytes(b []byte) error {
	if err := f.prepareWrite(); err != nil {
		return err
	}
	if f.bufMode == ioBufNo {
		_, err := f.w.Write(b)
		return err
	}
	if len(f.wbuf)+len(b) > f.bufSize {
		if err := f.flush(); err != nil {
			return err
		}
	}
	f.wbuf = append(f.wbuf, b...)
	if f.bufMode == ioBufLine {
		for _, c := range b {
			if c == '\n' {
				return f.flush()
			}
		}
	}
	return nil
}

// seek sets the position as C's fseek (whence as io.Seek*) and returns
// the new position, as ftell.
func (f *ioFile) seek(offset int64, whence int) (int64, error) {
	if err := f.flush(); err != nil {
		return 0, err
	}
	if f.file == nil {
		return 0, syscall.ESPIPE
	}
	if whence == io.SeekCurrent && f.r != nil {
		offset -= int64(f.r.Buffered())
	}
	pos, err := f.file.Seek(offset, whence)
	if err != nil {
		return 0, err
	}
	if f.r != nil {
		f.r.Reset(f.file)
	}
	return pos, nil
}

// setvbuf sets the buffering mode. As with glibc's setvbuf without a
// buffer (what the reference calls), the size is not used: a stream keeps
// the buffer it has, and one made unbuffered stays so in effect.
func (f *ioFile) setvbuf(mode int) error {
	if err := f.flush(); err != nil {
		return err
	}
	if f.kind == ioKindStd {
		return nil // standard streams write straight through
	}
	if mode == ioBufNo {
		f.unbuffered = true
	}
	f.bufMode = mode
	if f.unbuffered {
		f.bufMode = ioBufNo
	}
	return nil
}

// close closes the stream: the buffered output is written and the file
// closed. For a pipe it waits for the command and returns its exit
// (state is what Wait returned).
func (f *ioFile) close() (err, state error) {
	f.closed = true
	err = f.flush()
	switch f.kind {
	case ioKindPipe:
		f.pipe.Close()
		state = f.cmd.Wait()
		for _, o := range f.output {
			o.w.Write(o.buf.buf)
		}
		return err, state
	case ioKindFile:
		if cerr := f.file.Close(); err == nil {
			err = cerr
		}
	}
	return err, nil
}

// readLine reads a line as C Lua's read_line: chop drops the newline; ok
// is false at the end of the file (nothing read).
func (f *ioFile) readLine(chop bool) (line string, ok bool, err error) {
	var acc []byte
	for {
		part, err := f.r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			acc = append(acc, part...)
			continue
		}
		if err != nil && err != io.EOF {
			return "", false, err
		}
		if acc != nil {
			part = append(acc, part...)
		}
		nl := len(part) > 0 && part[len(part)-1] == '\n'
		ok = nl || len(part) > 0
		if chop && nl {
			part = part[:len(part)-1]
		}
		return string(part), ok, nil
	}
}

// readAll reads the rest of the stream.
func (f *ioFile) readAll() (string, error) {
	b, err := io.ReadAll(f.r)
	return string(b), err
}

// readChars reads up to n bytes; ok is false when nothing was read.
func (f *ioFile) readChars(n uint64) (s string, ok bool, err error) {
	var b []byte
	if n <= 1<<16 {
		b = make([]byte, n)
		m, err := io.ReadFull(f.r, b)
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return "", false, err
		}
		b = b[:m]
	} else {
		if b, err = io.ReadAll(io.LimitReader(f.r, int64(min(n, 1<<62)))); err != nil {
			return "", false, err
		}
	}
	return string(b), len(b) > 0, nil
}

// testEOF reports whether anything is left to read (read(0)).
func (f *ioFile) testEOF() (ok bool, err error) {
	_, err = f.r.Peek(1)
	if err == io.EOF {
		return false, nil
	}
	return err == nil, err
}

// ioMaxNumeral is the longest numeral read("n") accepts (L_MAXLENNUM).
const ioMaxNumeral = 200

// ioNumeralReader reads a numeral a character at a time with one
// character of look-ahead, as the reference's read_number: what it reads
// is consumed even when it turns out not to be a number.
type ioNumeralReader struct {
	r       io.ByteScanner
	c       int // look-ahead character, or -1 at the end
	buf     [ioMaxNumeral]byte
	n       int
	invalid bool  // the numeral was too long
	err     error // read error
}

func (rn *ioNumeralReader) getc() int {
	b, err := rn.r.ReadByte()
	if err != nil {
		if err != io.EOF {
			rn.err = err
		}
		return -1
	}
	return int(b)
}

// nextc keeps the look-ahead character and reads the next one.
func (rn *ioNumeralReader) nextc() bool {
	if rn.n >= ioMaxNumeral {
		rn.invalid = true
		return false
	}
	rn.buf[rn.n] = byte(rn.c)
	rn.n++
	rn.c = rn.getc()
	return true
}

// test2 accepts the look-ahead character if it is one of set's two.
func (rn *ioNumeralReader) test2(set string) bool {
	if rn.c == int(set[0]) || rn.c == int(set[1]) {
		return rn.nextc()
	}
	return false
}

func (rn *ioNumeralReader) readDigits(hex bool) int {
	count := 0
	for {
		c := rn.c
		isDigit := c >= '0' && c <= '9'
		if hex {
			isDigit = isDigit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
		}
		if !isDigit || !rn.nextc() {
			return count
		}
		count++
	}
}

// ioReadNumber reads a numeral from r (skipping leading white space) and
// converts it with Lua's rules; ok is false when what was read is not a
// number.
func ioReadNumber(r io.ByteScanner) (v lunar.Value, ok bool, err error) {
	rn := ioNumeralReader{r: r}
	for {
		rn.c = rn.getc()
		if c := rn.c; c != ' ' && (c < '\t' || c > '\r') {
			break
		}
	}
	rn.test2("-+")
	count, hex := 0, false
	if rn.test2("00") {
		if rn.test2("xX") {
			hex = true
		} else {
			count = 1 // the initial '0' is a digit
		}
	}
	count += rn.readDigits(hex)
	if rn.test2("..") {
		count += rn.readDigits(hex)
	}
	exp := "eE"
	if hex {
		exp = "pP"
	}
	if count > 0 && rn.test2(exp) {
		rn.test2("-+")
		rn.readDigits(false)
	}
	if rn.c >= 0 {
		r.UnreadByte()
	}
	if rn.err != nil {
		return lunar.Nil, false, rn.err
	}
	if rn.invalid {
		return lunar.Nil, false, nil
	}
	v, ok = lunar.StringToNumber(string(rn.buf[:rn.n]))
	return v, ok, nil
}

// ioPopen starts command with /bin/sh -c; mode "r" reads its output, "w"
// writes its input. stdout and stderr are the host's writers for the
// command's other streams.
func ioPopen(command, mode string, stdout, stderr io.Writer) (*ioFile, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("/bin/sh", "-c", command)
	f := &ioFile{kind: ioKindPipe, bufSize: ioDefaultBufSize, cmd: cmd}
	cmd.Stderr = f.childWriter(stderr)
	var child *os.File
	if mode == "r" {
		cmd.Stdin = os.Stdin
		cmd.Stdout = pw
		child, f.pipe = pw, pr
		f.r = bufio.NewReaderSize(pr, ioDefaultBufSize)
	} else {
		cmd.Stdin = pr
		cmd.Stdout = f.childWriter(stdout)
		child, f.pipe = pr, pw
		f.w = pw
	}
	if err := cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		return nil, err
	}
	child.Close()
	return f, nil
}
