//! Labels, gotos and breaks, resolved with the rules of the reference
//! (§3.3.4): a goto jumps to a visible label; a label is visible in the
//! block where it is defined, nested blocks and functions excluded (a label
//! at the end of a block counts as outside the scope of the block's
//! locals), and may not be defined where a label of the same name is
//! visible; a goto may not jump into the scope of a local. A break is a
//! goto to a label that ends the enclosing loop.
//!
//! The reference keeps labels and pending gotos in lists that it scans; we
//! index them by name, which keeps scripts with many labels linear.

use lunar_syntax::ast::{GotoStat, Stat};

use super::resolve::{Anchor, GotoInfo, NameMap, RGoto, RLabel, RResult, Resolver, addr};

/// The reference's limit on labels (and on pending gotos) alive at once.
const MAX_LABELS: usize = 32767;

impl<'a> Resolver<'a> {
    pub(crate) fn goto_stat(&mut self, s: &'a Stat<'a>, x: &'a GotoStat<'a>) -> RResult<()> {
        let cur = self.cur();
        if let Some(&li) = self.funcs[cur].by_name.get(x.label) {
            // A backward jump, solved now; it closes the variables it
            // leaves.
            let lb = &self.funcs[cur].labels[li];
            let target = lb.stat.expect("a label statement");
            let level = self.reg_level(cur, lb.nactvar);
            let close_level =
                (self.reg_level(cur, self.funcs[cur].nactvar) > level).then_some(level);
            self.res.gotos.insert(
                addr(s),
                GotoInfo {
                    target,
                    backward: true,
                    close_level,
                },
            );
            return Ok(());
        }
        self.new_goto(x.label, x.label_pos.line, addr(s))
    }

    /// Adds a pending (forward) goto; a break is a goto to the enclosing
    /// loop's "break" label.
    pub(crate) fn new_goto(&mut self, name: &'a [u8], line: u32, stat: usize) -> RResult<()> {
        if self.ngotos + 1 > MAX_LABELS {
            return self.error(
                Anchor::NONE,
                0,
                format!("too many labels/gotos (limit is {MAX_LABELS})"),
            );
        }
        self.ngotos += 1;
        self.goto_seq += 1;
        let seq = self.goto_seq;
        let fs = self.fs();
        let nactvar = fs.nactvar;
        let bl = fs.blocks.last_mut().expect("block");
        bl.gotos.entry(name).or_default().push(RGoto {
            seq,
            name,
            line,
            nactvar,
            close: false,
            stat,
        });
        Ok(())
    }

    /// Gives the pending gotos of a block that ends (whose outer level is
    /// `nactvar` and upvalue flag `upval`) to the enclosing one; a goto that
    /// leaves the scope of a captured variable will need to close it.
    pub(crate) fn move_gotos_out(
        &mut self,
        nactvar: usize,
        upval: bool,
        gotos: NameMap<'a, Vec<RGoto<'a>>>,
    ) {
        if gotos.is_empty() {
            return;
        }
        let cur = self.cur();
        let level = self.reg_level(cur, nactvar);
        let mut moved = Vec::with_capacity(gotos.len());
        for (name, mut list) in gotos {
            for gt in &mut list {
                if self.reg_level(cur, gt.nactvar) > level {
                    gt.close = gt.close || upval;
                }
                gt.nactvar = nactvar;
            }
            moved.push((name, list));
        }
        let outer = self.fs().blocks.last_mut().expect("enclosing block");
        for (name, list) in moved {
            outer.gotos.entry(name).or_default().extend(list);
        }
    }

    /// Ends the visibility of the labels from index `first` on.
    pub(crate) fn remove_labels(&mut self, first: usize) {
        let fs = self.fs();
        for (i, lb) in fs.labels.iter().enumerate().skip(first) {
            if fs.by_name.get(lb.name) == Some(&i) {
                fs.by_name.remove(lb.name);
            }
        }
        let n = fs.labels.len() - first;
        fs.labels.truncate(first);
        self.nlabels -= n;
    }

    /// Resolves '::name::'; `line` is that of the token after the run of
    /// labels it belongs to, `last` is set when nothing but labels follow it
    /// in its block.
    pub(crate) fn label(
        &mut self,
        at: Anchor,
        s: &'a Stat<'a>,
        line: u32,
        last: bool,
    ) -> RResult<()> {
        let Stat::Label(x) = s else {
            return Ok(());
        };
        let x = &self.ast[*x];
        let cur = self.cur();
        if let Some(&li) = self.funcs[cur].by_name.get(x.name) {
            let msg = format!(
                "label '{}' already defined on line {}",
                String::from_utf8_lossy(x.name),
                self.funcs[cur].labels[li].line
            );
            return self.error(at, line, msg);
        }
        let close = self.create_label(at, x.name, x.pos.line, line, last, Some(addr(s)), None)?;
        self.res.labels.insert(addr(s), close);
        Ok(())
    }

    /// Adds a label and solves the pending gotos of the current block that
    /// jump to it; it reports whether one of them needs a CLOSE. `err_line`
    /// is the line for errors; `stat` is the label statement, `loop_stat`
    /// the loop of a break label.
    pub(crate) fn create_label(
        &mut self,
        at: Anchor,
        name: &'a [u8],
        line: u32,
        err_line: u32,
        last: bool,
        stat: Option<usize>,
        loop_stat: Option<usize>,
    ) -> RResult<bool> {
        if self.nlabels + 1 > MAX_LABELS {
            return self.error(
                Anchor::NONE,
                0,
                format!("too many labels/gotos (limit is {MAX_LABELS})"),
            );
        }
        self.nlabels += 1;
        let fs = self.fs();
        let mut nactvar = fs.nactvar;
        if last {
            // Locals are out of scope at the end of a block.
            nactvar = fs.blocks.last().expect("block").nactvar;
        }
        fs.labels.push(RLabel {
            name,
            line,
            nactvar,
            stat,
        });
        let idx = fs.labels.len() - 1;
        fs.by_name.insert(name, idx);
        let target = stat.or(loop_stat).expect("a label or a loop");
        let pending = fs
            .blocks
            .last_mut()
            .expect("block")
            .gotos
            .remove(name)
            .unwrap_or_default();
        let mut needs_close = false;
        for gt in &pending {
            needs_close = needs_close || gt.close;
            if gt.nactvar < nactvar {
                let fs = self.funcs.last().expect("function");
                let var = &self.res.vars[fs.actvars[gt.nactvar]];
                let msg = format!(
                    "<goto {}> at line {} jumps into the scope of local '{}'",
                    String::from_utf8_lossy(gt.name),
                    gt.line,
                    String::from_utf8_lossy(var.name)
                );
                return self.error(at, err_line, msg);
            }
            self.res.gotos.insert(
                gt.stat,
                GotoInfo {
                    target,
                    backward: false,
                    close_level: None,
                },
            );
        }
        self.ngotos -= pending.len();
        Ok(needs_close)
    }
}
