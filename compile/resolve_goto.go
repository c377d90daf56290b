package compile

import (
	"github.com/lunar-lua/lunar/syntax"
)

// This file resolves labels, gotos and breaks with the rules of the
// reference (§3.3.4): a goto jumps to a visible label; a label is visible
// in the block where it is defined, nested blocks and functions excluded
// (a label at the end of a block counts as outside the scope of the
// block's locals), and may not be defined where a label of the same name
// is visible; a goto may not jump into the scope of a local. A break is a
// goto to a label that ends the enclosing loop.
//
// The reference keeps labels and pending gotos in lists that it scans; we
// index them by name, which keeps scripts with many labels linear.

// maxLabels is the reference's limit on labels (and on pending gotos)
// alive at once.
const maxLabels = 32767

func (r *resolver) gotoStat(s *syntax.GotoStat) {
	fs := r.fs
	if lb := fs.byName[s.Label]; lb != nil {
		// A backward jump, solved now; it closes the variables it leaves.
		level := fs.regLevel(lb.nactvar)
		closeLevel := -1
		if fs.regLevel(fs.nactvar) > level {
			closeLevel = level
		}
		r.res.gotos[s] = gotoInfo{target: lb.stat, backward: true, closeLevel: closeLevel}
		return
	}
	r.newGoto(s.Label, s.P.Line, s)
}

// newGoto adds a pending (forward) goto; a break is a goto to the
// enclosing loop's "break" label.
func (r *resolver) newGoto(name string, line int32, s syntax.Stat) {
	if r.ngotos+1 > maxLabels {
		r.errorf(anchor{}, 0, "too many labels/gotos (limit is %d)", maxLabels)
	}
	r.ngotos++
	r.gotoSeq++
	bl := r.fs.bl
	if bl.gotos == nil {
		bl.gotos = make(map[string][]*rgoto)
	}
	gt := &rgoto{seq: r.gotoSeq, name: name, line: line, nactvar: r.fs.nactvar, stat: s}
	bl.gotos[name] = append(bl.gotos[name], gt)
}

// moveGotosOut gives the pending gotos of a block that ends to the
// enclosing one; a goto that leaves the scope of a captured variable will
// need to close it.
func (r *resolver) moveGotosOut(bl *rblock) {
	if len(bl.gotos) == 0 {
		return
	}
	fs := r.fs
	level := fs.regLevel(bl.nactvar)
	outer := bl.prev
	if outer.gotos == nil {
		outer.gotos = make(map[string][]*rgoto)
	}
	for name, list := range bl.gotos {
		for _, gt := range list {
			if fs.regLevel(gt.nactvar) > level {
				gt.close = gt.close || bl.upval
			}
			gt.nactvar = bl.nactvar
		}
		outer.gotos[name] = append(outer.gotos[name], list...)
	}
}

// firstGoto returns the earliest pending goto, or nil.
func firstGoto(gotos map[string][]*rgoto) *rgoto {
	var first *rgoto
	for _, list := range gotos {
		if gt := list[0]; first == nil || gt.seq < first.seq {
			first = gt
		}
	}
	return first
}

// removeLabels ends the visibility of the labels from index first on.
func (r *resolver) removeLabels(first int) {
	fs := r.fs
	for _, lb := range fs.labels[first:] {
		if fs.byName[lb.name] == lb {
			delete(fs.byName, lb.name)
		}
	}
	r.nlabels -= len(fs.labels) - first
	fs.labels = fs.labels[:first]
}

// label resolves '::name::'; line is that of the token after the run of
// labels it belongs to, last is set when nothing but labels follow it in
// its block.
func (r *resolver) label(at anchor, s *syntax.LabelStat, line int32, last bool) {
	fs := r.fs
	if lb := fs.byName[s.Name]; lb != nil {
		r.errorf(at, line, "label '%s' already defined on line %d", s.Name, lb.line)
	}
	r.res.labels[s] = r.createLabel(at, s.Name, s.P.Line, line, last, s, nil)
}

// createLabel adds a label and solves the pending gotos of the current
// block that jump to it; it reports whether one of them needs a CLOSE.
// errLine is the line for errors; loop is the loop of a break label.
func (r *resolver) createLabel(at anchor, name string, line, errLine int32, last bool, s *syntax.LabelStat, loop syntax.Stat) bool {
	fs := r.fs
	if r.nlabels+1 > maxLabels {
		r.errorf(anchor{}, 0, "too many labels/gotos (limit is %d)", maxLabels)
	}
	r.nlabels++
	lb := &rlabel{name: name, line: line, nactvar: fs.nactvar, stat: s}
	if last {
		// Locals are out of scope at the end of a block.
		lb.nactvar = fs.bl.nactvar
	}
	fs.labels = append(fs.labels, lb)
	fs.byName[name] = lb
	var target syntax.Stat = s
	if s == nil {
		target = loop
	}
	needsClose := false
	bl := fs.bl
	for _, gt := range bl.gotos[name] {
		needsClose = needsClose || gt.close
		if gt.nactvar < lb.nactvar {
			r.errorf(at, errLine, "<goto %s> at line %d jumps into the scope of local '%s'",
				gt.name, gt.line, fs.actvars[gt.nactvar].name)
		}
		r.res.gotos[gt.stat] = gotoInfo{target: target, closeLevel: -1}
	}
	r.ngotos -= len(bl.gotos[name])
	delete(bl.gotos, name)
	return needsClose
}
