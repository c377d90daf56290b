package main

import (
	"fmt"
	"io"
)

// options is what collectArgs finds on the command line, as lua.c's
// collectargs: the flags needed before any Lua code runs, and where the
// script is. The -e, -l and -W options are run later, in order, by
// (*interp).runOptions over args[1:script].
type options struct {
	interactive bool // -i
	version     bool // -v (and -i)
	exec        bool // -e
	noEnv       bool // -E
	// script is the index in args of the script name ("-" for stdin), or
	// len(args) when there is none.
	script int
	// bad is the index of the malformed option, or 0 when all are good.
	bad int
}

// collectArgs reads lua-style options up to the script name, with the
// rules of the reference interpreter: options are whole words ("-iv" is
// not "-i -v"), -e and -l take the rest of their word or the next word,
// which must not start with '-', "--" ends the options and "-" is the
// script read from stdin.
func collectArgs(args []string) options {
	var o options
	i := 1
	for ; i < len(args); i++ {
		a := args[i]
		if len(a) == 0 || a[0] != '-' {
			o.script = i
			return o
		}
		if len(a) == 1 { // "-": the script is stdin
			o.script = i
			return o
		}
		whole := len(a) == 2 // no characters after the option letter
		switch a[1] {
		case '-':
			if !whole {
				o.bad = i
				return o
			}
			o.script = i + 1
			return o
		case 'E':
			if !whole {
				o.bad = i
				return o
			}
			o.noEnv = true
		case 'W':
			if !whole {
				o.bad = i
				return o
			}
		case 'i', 'v':
			if !whole {
				o.bad = i
				return o
			}
			if a[1] == 'i' {
				o.interactive = true
			}
			o.version = true
		case 'e', 'l':
			if a[1] == 'e' {
				o.exec = true
			}
			if whole {
				if i+1 >= len(args) || (len(args[i+1]) > 0 && args[i+1][0] == '-') {
					o.bad = i
					return o
				}
				i++
			}
		default:
			o.bad = i
			return o
		}
	}
	o.script = len(args)
	return o
}

// optionArgs lists the -e, -l and -W options before the script, in order,
// as (letter, argument) pairs.
func optionArgs(args []string, script int) [][2]string {
	var out [][2]string
	for i := 1; i < script && i < len(args); i++ {
		a := args[i]
		if len(a) < 2 || a[0] != '-' {
			continue
		}
		switch a[1] {
		case 'e', 'l':
			v := a[2:]
			if v == "" && i+1 < len(args) {
				i++
				v = args[i]
			}
			out = append(out, [2]string{a[1:2], v})
		case 'W':
			out = append(out, [2]string{"W", ""})
		}
	}
	return out
}

// usageText is the reference interpreter's option summary.
const usageText = `usage: %s [options] [script [args]]
Available options are:
  -e stat   execute string 'stat'
  -i        enter interactive mode after executing 'script'
  -l mod    require library 'mod' into global 'mod'
  -l g=mod  require library 'mod' into global 'g'
  -v        show version information
  -E        ignore environment variables
  -W        turn warnings on
  --        stop handling options
  -         stop handling options and execute stdin
`

// printUsage reports a bad option and the usage text on w, as lua does.
func printUsage(w io.Writer, progname, badOption string) {
	if len(badOption) > 1 && (badOption[1] == 'e' || badOption[1] == 'l') {
		fmt.Fprintf(w, "%s: '%s' needs argument\n", progname, badOption)
	} else {
		fmt.Fprintf(w, "%s: unrecognized option '%s'\n", progname, badOption)
	}
	fmt.Fprintf(w, usageText, progname)
}
