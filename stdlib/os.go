package stdlib

import (
	"errors"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/lunar-lua/lunar"
)

// OpenOS opens the os library (§6.9 of the manual) in s, as global os and
// package.loaded.os.
//
// os.exit ends the process unless the host has installed a hook (see
// SetExitHook). os.execute and io.popen run commands with /bin/sh -c.
// Two locales exist, as on a system with no others installed: "C" (also
// named "POSIX") and "C.UTF-8" (or "C.utf8"), which behaves as C in all
// that Lua sees (byte classes, the decimal point). os.setlocale fails for
// any other name; "" takes the names from LC_ALL, LC_* and LANG. The
// locale is per state.
func OpenOS(s *lunar.State) {
	newLib(s, "os", map[string]lunar.GoFunction{
		"clock":     osClockFn,
		"date":      osDateFn,
		"difftime":  osDifftime,
		"execute":   osExecute,
		"exit":      osExit,
		"getenv":    osGetenv,
		"remove":    osRemove,
		"rename":    osRename,
		"setlocale": osSetlocale,
		"time":      osTimeFn,
		"tmpname":   osTmpname,
	})
}

// ExitHookKey is the registry key of the function os.exit calls, when
// present, instead of ending the process: a function value (usually made
// with lunar.NewFunction) called with the exit status (an integer) and
// the close flag (a boolean). os.exit returns what the hook returns and
// raises the error it raises, so a hook that wants the script to stop
// returns an error.
const ExitHookKey = "lunar.exit"

// SetExitHook makes os.exit in s call fn with the exit status and the
// close flag instead of ending the process; the error fn returns is
// raised in the script (nil lets the script go on after os.exit).
func SetExitHook(s *lunar.State, fn func(code int, close bool) error) {
	s.Registry().SetStr(ExitHookKey, lunar.NewFunction("os.exit", func(t *lunar.Thread, args []lunar.Value) (int, error) {
		code, _ := lunar.Arg(args, 1).ToInteger()
		return 0, fn(int(code), lunar.Arg(args, 2).Truthy())
	}))
}

// os.exit([code [, close]])
func osExit(t *lunar.Thread, args []lunar.Value) (int, error) {
	var status int64
	if v := lunar.Arg(args, 1); v.IsBool() {
		if !v.AsBool() {
			status = 1 // EXIT_FAILURE
		}
	} else {
		var err error
		if status, err = t.OptInteger(args, 1, 0); err != nil {
			return 0, err
		}
	}
	status = int64(int32(status)) // C's int
	closeState := lunar.Arg(args, 2).Truthy()
	s := t.State()
	if hook := s.Registry().GetStr(ExitHookKey); !hook.IsNil() {
		return t.CallPush(hook, -1, lunar.Int(status), lunar.Bool(closeState))
	}
	// C's exit flushes every open stream.
	ioFlushAll(s)
	if f, ok := s.Stdout().(interface{ Flush() error }); ok {
		f.Flush()
	}
	if f, ok := s.Stderr().(interface{ Flush() error }); ok {
		f.Flush()
	}
	os.Exit(int(status))
	return 0, nil
}

// os.getenv(varname)
func osGetenv(t *lunar.Thread, args []lunar.Value) (int, error) {
	name, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	if v, ok := os.LookupEnv(name); ok {
		t.Push(lunar.String(v))
	} else {
		t.Push(lunar.Nil)
	}
	return 1, nil
}

// osErrorInfo returns the C library's message and the errno of err (0
// and Go's message when err carries no errno).
func osErrorInfo(err error) (string, int64) { return lunar.ErrnoMessage(err) }

// osPushError pushes the reference's failure triple (luaL_fileresult):
// nil, "[name: ]message", errno. name is used when hasName is set.
func osPushError(t *lunar.Thread, err error, name string, hasName bool) int {
	msg, errno := osErrorInfo(err)
	if hasName {
		msg = name + ": " + msg
	}
	t.Push(lunar.Nil)
	t.Push(lunar.String(msg))
	t.Push(lunar.Int(errno))
	return 3
}

// osPushResult pushes true, or the failure triple for err.
func osPushResult(t *lunar.Thread, err error, name string, hasName bool) int {
	if err != nil {
		return osPushError(t, err, name, hasName)
	}
	t.Push(lunar.True)
	return 1
}

// os.remove(filename)
func osRemove(t *lunar.Thread, args []lunar.Value) (int, error) {
	name, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	// As C's remove: unlink, and rmdir when it is a directory.
	err = syscall.Unlink(name)
	if err != nil && (err == syscall.EISDIR || osIsDir(name)) {
		err = syscall.Rmdir(name)
	}
	return osPushResult(t, err, name, true), nil
}

func osIsDir(name string) bool {
	fi, err := os.Lstat(name)
	return err == nil && fi.IsDir()
}

// os.rename(oldname, newname)
func osRename(t *lunar.Thread, args []lunar.Value) (int, error) {
	from, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	to, err := t.CheckString(args, 2)
	if err != nil {
		return 0, err
	}
	return osPushResult(t, syscall.Rename(from, to), "", false), nil
}

// osTmpChars are the characters of the random part of os.tmpname's names
// (as mkstemp's).
const osTmpChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// os.tmpname()
func osTmpname(t *lunar.Thread, args []lunar.Value) (int, error) {
	dir := "/tmp"
	if runtime.GOOS == "windows" {
		dir = os.TempDir()
	}
	// Like the reference's mkstemp("/tmp/lua_XXXXXX"): create the file.
	for range 100 {
		var b [6]byte
		for i := range b {
			b[i] = osTmpChars[rand.IntN(len(osTmpChars))]
		}
		name := filepath.Join(dir, "lua_"+string(b[:]))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			f.Close()
			t.Push(lunar.String(name))
			return 1, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	return 0, t.Errorf("unable to generate a unique filename")
}

// os.execute([command])
func osExecute(t *lunar.Thread, args []lunar.Value) (int, error) {
	if lunar.IsNoneOrNil(args, 1) {
		_, err := os.Stat("/bin/sh")
		t.Push(lunar.Bool(err == nil)) // is a shell available?
		return 1, nil
	}
	command, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	s := t.State()
	cmd := exec.Command("/bin/sh", "-c", command)
	cmd.Stdin = os.Stdin
	cmd.Stdout = s.Stdout()
	cmd.Stderr = s.Stderr()
	return osPushExecResult(t, cmd.Run()), nil
}

// osPushExecResult pushes what the reference's luaL_execresult pushes for
// the end of a command: true|nil, "exit"|"signal", code; or the failure
// triple when the command could not run at all.
func osPushExecResult(t *lunar.Thread, err error) int {
	what, code := "exit", int64(0)
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return osPushError(t, err, "", false)
		}
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			what, code = "signal", int64(ws.Signal())
		} else {
			code = int64(ee.ExitCode())
		}
	}
	if what == "exit" && code == 0 {
		t.Push(lunar.True)
	} else {
		t.Push(lunar.Nil)
	}
	t.Push(lunar.String(what))
	t.Push(lunar.Int(code))
	return 3
}

// localeCategories are the C library's categories, in the order a
// composite name lists them; osLocaleCategories are those os.setlocale
// names, each with its index there.
var localeCategories = [...]string{"LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE", "LC_MONETARY",
	"LC_MESSAGES", "LC_PAPER", "LC_NAME", "LC_ADDRESS", "LC_TELEPHONE", "LC_MEASUREMENT", "LC_IDENTIFICATION"}

var osLocaleCategories = map[string]int{"ctype": 0, "numeric": 1, "time": 2, "collate": 3, "monetary": 4}

// osLocale is a state's locale: a name per category.
type osLocale struct{ names [len(localeCategories)]string }

// CloneFor gives a state copied from a template its own locale
// (lunar.StateData).
func (l *osLocale) CloneFor(*lunar.Cloner) any { c := *l; return &c }

var osLocaleKey = lunar.NewDataKey()

func osLocaleOf(s *lunar.State) *osLocale {
	l, _ := s.Data(osLocaleKey).(*osLocale)
	if l == nil {
		l = &osLocale{}
		for i := range l.names {
			l.names[i] = "C"
		}
		s.SetData(osLocaleKey, l)
	}
	return l
}

// localeName returns the name a locale is known by, or false when no
// such locale is installed.
func localeName(name string) (string, bool) {
	switch strings.ToLower(name) {
	case "c", "posix":
		return "C", true
	case "c.utf-8", "c.utf8":
		return name, true
	}
	return "", false
}

// envLocale returns the locale the environment sets for category cat, as
// setlocale(cat, "") reads it.
func envLocale(cat string) string {
	for _, v := range []string{"LC_ALL", cat, "LANG"} {
		if name := os.Getenv(v); name != "" {
			return name
		}
	}
	return "C"
}

// name returns the locale name of categories idx (all of them when idx
// is nil): a composite "LC_CTYPE=...;..." when they differ.
func (l *osLocale) name(idx []int) string {
	same := true
	for _, i := range idx {
		same = same && l.names[i] == l.names[idx[0]]
	}
	if same {
		return l.names[idx[0]]
	}
	var b strings.Builder
	for i, cat := range localeCategories {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(cat + "=" + l.names[i])
	}
	return b.String()
}

// os.setlocale([locale [, category]])
func osSetlocale(t *lunar.Thread, args []lunar.Value) (int, error) {
	query := lunar.IsNoneOrNil(args, 1)
	var locale string
	if !query {
		var err error
		if locale, err = t.CheckString(args, 1); err != nil {
			return 0, err
		}
	}
	opt, err := t.CheckOption(args, 2, "all",
		[]string{"all", "collate", "ctype", "monetary", "numeric", "time"})
	if err != nil {
		return 0, err
	}
	var idx []int
	if opt == 0 {
		idx = []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	} else {
		idx = []int{osLocaleCategories[[]string{"all", "collate", "ctype", "monetary", "numeric", "time"}[opt]]}
	}
	l := osLocaleOf(t.State())
	if !query {
		// All the categories change, or none (an unknown name fails).
		names := l.names
		for _, i := range idx {
			want := locale
			if want == "" {
				want = envLocale(localeCategories[i])
			}
			name, ok := localeName(want)
			if !ok {
				t.Push(lunar.Nil)
				return 1, nil
			}
			names[i] = name
		}
		l.names = names
	}
	t.Push(lunar.String(l.name(idx)))
	return 1, nil
}

// os.clock()
func osClockFn(t *lunar.Thread, args []lunar.Value) (int, error) {
	t.Push(lunar.Float(osClock()))
	return 1, nil
}

// os.difftime(t2, t1)
func osDifftime(t *lunar.Thread, args []lunar.Value) (int, error) {
	t2, err := t.CheckInteger(args, 1)
	if err != nil {
		return 0, err
	}
	t1, err := t.CheckInteger(args, 2)
	if err != nil {
		return 0, err
	}
	d := t2 - t1
	if (t2^t1) < 0 && (d^t2) < 0 { // overflow: subtract as floats
		t.Push(lunar.Float(float64(t2) - float64(t1)))
	} else {
		t.Push(lunar.Float(float64(d)))
	}
	return 1, nil
}

// os.date([format [, time]])
func osDateFn(t *lunar.Thread, args []lunar.Value) (int, error) {
	format, err := t.OptString(args, 1, "%c")
	if err != nil {
		return 0, err
	}
	var when int64
	if lunar.IsNoneOrNil(args, 2) {
		when = time.Now().Unix()
	} else if when, err = t.CheckInteger(args, 2); err != nil {
		return 0, err
	}
	var tm osTm
	var ok bool
	if strings.HasPrefix(format, "!") {
		tm, ok = osGmtime(when)
		format = format[1:]
	} else {
		tm, ok = osLocaltime(when, time.Local)
	}
	if !ok {
		return 0, t.Errorf("date result cannot be represented in this installation")
	}
	if format == "*t" {
		tb := lunar.NewTable(0, 9)
		if err := osSetAllFields(t, lunar.TableValue(tb), &tm); err != nil {
			return 0, err
		}
		t.Push(lunar.TableValue(tb))
		return 1, nil
	}
	buf, err := osStrftime(make([]byte, 0, len(format)+32), format, &tm)
	if err != nil {
		return 0, t.ArgError(1, err.Error())
	}
	t.Push(lunar.String(string(buf)))
	return 1, nil
}

// osSetAllFields stores the fields of tm in the table v (with
// metamethods, as lua_setfield).
func osSetAllFields(t *lunar.Thread, v lunar.Value, tm *osTm) error {
	fields := [...]struct {
		name string
		val  int64
	}{
		{"year", tm.year + 1900},
		{"month", tm.mon + 1},
		{"day", tm.mday},
		{"hour", tm.hour},
		{"min", tm.min},
		{"sec", tm.sec},
		{"yday", tm.yday + 1},
		{"wday", tm.wday + 1},
	}
	for _, f := range fields {
		if err := t.SetIndex(v, lunar.String(f.name), lunar.Int(f.val)); err != nil {
			return err
		}
	}
	if tm.isdst < 0 {
		return nil // unknown
	}
	return t.SetIndex(v, lunar.String("isdst"), lunar.Bool(tm.isdst > 0))
}

// osGetField reads field key of the date table v as os.time does: an
// integer (delta is subtracted) that fits a C int, or def when absent
// (def < 0: the field is required).
func osGetField(t *lunar.Thread, v lunar.Value, key string, def, delta int64) (int64, error) {
	x, err := t.Index(v, lunar.String(key))
	if err != nil {
		return 0, err
	}
	res, ok := x.ToInteger()
	if !ok {
		switch {
		case !x.IsNil():
			return 0, t.Errorf("field '%s' is not an integer", key)
		case def < 0:
			return 0, t.Errorf("field '%s' missing in date table", key)
		}
		return def, nil
	}
	if !(res >= 0 && res-delta <= math.MaxInt32 || res < 0 && math.MinInt32+delta <= res) {
		return 0, t.Errorf("field '%s' is out-of-bound", key)
	}
	return res - delta, nil
}

// os.time([table])
func osTimeFn(t *lunar.Thread, args []lunar.Value) (int, error) {
	if lunar.IsNoneOrNil(args, 1) {
		t.Push(lunar.Int(time.Now().Unix()))
		return 1, nil
	}
	if err := t.CheckType(args, 1, lunar.TypeTable); err != nil {
		return 0, err
	}
	v := args[0]
	var tm osTm
	var err error
	if tm.year, err = osGetField(t, v, "year", -1, 1900); err != nil {
		return 0, err
	}
	if tm.mon, err = osGetField(t, v, "month", -1, 1); err != nil {
		return 0, err
	}
	if tm.mday, err = osGetField(t, v, "day", -1, 0); err != nil {
		return 0, err
	}
	if tm.hour, err = osGetField(t, v, "hour", 12, 0); err != nil {
		return 0, err
	}
	if tm.min, err = osGetField(t, v, "min", 0, 0); err != nil {
		return 0, err
	}
	if tm.sec, err = osGetField(t, v, "sec", 0, 0); err != nil {
		return 0, err
	}
	isdst, err := t.Index(v, lunar.String("isdst"))
	if err != nil {
		return 0, err
	}
	tm.isdst = -1
	if !isdst.IsNil() {
		tm.isdst = 0
		if isdst.Truthy() {
			tm.isdst = 1
		}
	}
	res, ok := osMktime(&tm, time.Local)
	if ok {
		if err := osSetAllFields(t, v, &tm); err != nil {
			return 0, err
		}
	}
	if !ok || res == -1 { // -1 is mktime's error value
		return 0, t.Errorf("time result cannot be represented in this installation")
	}
	t.Push(lunar.Int(res))
	return 1, nil
}
