//! Error raising with positions, naming values in error messages (the
//! reference's `varinfo`/`getobjname`/`funcnamefromcode`), and tracebacks
//! (`luaL_traceback`).

use crate::error::Error;
use crate::gc::Gc;
use crate::state::{F_FINALIZER, F_HOOKED, F_TAIL, Frame, State};
use crate::table::Table;
use crate::value::Value;
use lunar_compile::{Instruction, OpCode, Proto};

/// The traceback's head and tail sizes (levels shown before and after the
/// "..." line), as `luaL_traceback`'s LEVELS1/LEVELS2.
const LEVELS1: usize = 10;
const LEVELS2: usize = 11;

impl State {
    /// Stores `v` as the error being raised.
    #[inline]
    pub(crate) fn throw(&mut self, v: Value) -> Error {
        self.error_value = v;
        Error::Runtime
    }

    /// Raises a string value unchanged.
    pub(crate) fn raise_str(&mut self, msg: &str) -> Error {
        let v = self.str_value(msg.as_bytes());
        self.throw(v)
    }

    /// The frame at `level` (0 = the running function).
    pub(crate) fn frame_at(&self, level: usize) -> Option<&Frame> {
        let n = self.th.frames.len();
        if level >= n {
            None
        } else {
            Some(&self.th.frames[n - 1 - level])
        }
    }

    /// The current line of a Lua frame (-1 when unknown).
    pub(crate) fn frame_line(f: &Frame) -> i64 {
        match f.cl {
            Some(cl) => {
                let p = &cl.proto.p;
                let pc = f.pc.saturating_sub(1);
                // Line 0: stripped debug information, unknown (-1).
                p.line_at(pc).map_or(-1, |l| l as i64)
            }
            None => -1,
        }
    }

    /// "chunk:line: " for the running Lua frame, as luaG_runerror adds.
    pub(crate) fn position_prefix(&self, level: usize) -> Vec<u8> {
        if let Some(f) = self.frame_at(level)
            && let Some(cl) = f.cl
        {
            let mut out = lunar_syntax::chunk_id(&cl.proto.p.source);
            out.extend_from_slice(format!(":{}: ", Self::frame_line(f)).as_bytes());
            return out;
        }
        Vec::new()
    }

    /// Raises a runtime error from the VM: the message gets the position
    /// of the running Lua function.
    #[cold]
    #[inline(never)]
    pub(crate) fn runtime_error(&mut self, msg: &str) -> Error {
        let mut out = self.position_prefix(0);
        out.extend_from_slice(msg.as_bytes());
        let v = self.str_value(&out);
        self.throw(v)
    }

    /// The type name as error messages show it (`__name` for tables and
    /// userdata).
    pub(crate) fn type_name_meta(&self, v: Value) -> String {
        if matches!(v, Value::Table(_) | Value::UserData(_))
            && let Some(mt) = self.metatable_of(v)
            && let Value::Str(s) = self.raw_get_str(mt, "__name")
        {
            return c_name(s.as_bytes());
        }
        v.type_name().to_string()
    }

    /// `t[name]` raw, for a name not necessarily interned.
    pub(crate) fn raw_get_str(&self, t: Gc<Table>, name: &str) -> Value {
        // Metamethod names are interned at start-up; others are looked up
        // by building a key.
        if let Some(i) = crate::state::TM_NAMES.iter().position(|n| *n == name) {
            return t.get_str(self.tm_names[i]);
        }
        let mut k = None;
        let mut it = t.next(Value::Nil);
        while let Ok(Some((key, v))) = it {
            if let Value::Str(s) = key
                && s.as_bytes() == name.as_bytes()
            {
                k = Some(v);
                break;
            }
            it = t.next(key);
        }
        k.unwrap_or(Value::Nil)
    }

    /// " (local 'x')" for register `reg` of the running Lua frame, or "".
    pub(crate) fn var_info(&self, reg: Option<usize>) -> String {
        let (Some(f), Some(reg)) = (self.frame_at(0), reg) else {
            return String::new();
        };
        let Some(cl) = f.cl else { return String::new() };
        match get_obj_name(&cl.proto.p, f.pc as i64 - 1, reg) {
            Some((kind, name)) => format!(" ({kind} '{}')", c_name(&name)),
            None => String::new(),
        }
    }

    /// The register of stack slot `idx` in the running Lua frame.
    pub(crate) fn reg_of(&self, idx: usize) -> Option<usize> {
        let f = self.frame_at(0)?;
        f.cl?;
        if idx >= f.base() && idx < f.top {
            Some(idx - f.base())
        } else {
            None
        }
    }

    /// "attempt to OP a TYPE value (varinfo)".
    #[cold]
    pub(crate) fn type_error_reg(&mut self, v: Value, reg: Option<usize>, op: &str) -> Error {
        let msg = format!(
            "attempt to {op} a {} value{}",
            self.type_name_meta(v),
            self.var_info(reg)
        );
        self.runtime_error(&msg)
    }

    /// The error for indexing a value without `__index`, naming it when
    /// it is the running instruction's own operand.
    #[cold]
    pub(crate) fn index_error(&mut self, obj: Value, key: Value) -> Error {
        let _ = key;
        if let Some(f) = self.frame_at(0).copied()
            && let Some(cl) = f.cl
        {
            let p = &cl.proto.p;
            let pc = f.pc.wrapping_sub(1);
            if let Some(&i) = p.code.get(pc) {
                let mut reg = None;
                match i.opcode() {
                    OpCode::GetTable | OpCode::GetI | OpCode::GetField | OpCode::SelfOp => {
                        reg = Some(i.b() as usize)
                    }
                    OpCode::SetTable | OpCode::SetI | OpCode::SetField => {
                        reg = Some(i.a() as usize)
                    }
                    OpCode::GetTabUp | OpCode::SetTabUp => {
                        let up = if i.opcode() == OpCode::SetTabUp {
                            i.a()
                        } else {
                            i.b()
                        } as usize;
                        if let Some(u) = cl.upvals.get(up)
                            && same_value(u.get().get(), obj)
                        {
                            let msg = format!(
                                "attempt to index a {} value (upvalue '{}')",
                                self.type_name_meta(obj),
                                c_name(&upval_name(p, up))
                            );
                            return self.runtime_error(&msg);
                        }
                    }
                    _ => {}
                }
                if let Some(r) = reg
                    && same_value(self.th.stack[f.base() + r], obj)
                {
                    return self.type_error_reg(obj, Some(r), "index");
                }
            }
        }
        let msg = format!("attempt to index a {} value", self.type_name_meta(obj));
        self.runtime_error(&msg)
    }

    /// "attempt to call a X value (...)" for the value at stack index
    /// `func`, named from how the running instruction calls it.
    #[cold]
    pub(crate) fn call_error(&mut self, func: usize, v: Value) -> Error {
        if let Some(f) = self.frame_at(0)
            && (f.flags & F_FINALIZER != 0
                || (f.flags & crate::state::F_HOST != 0 && self.in_finalizer > 0))
        {
            // A `__gc` field that cannot be called (funcnamefromcall's
            // CIST_FIN case): the running frame is the collector's caller,
            // or the host's base frame when the state closes.
            let msg = format!(
                "attempt to call a {} value (metamethod '__gc')",
                self.type_name_meta(v)
            );
            return self.runtime_error(&msg);
        }
        if let Some(f) = self.frame_at(0)
            && let Some(cl) = f.cl
            && let Some((kind, name)) = func_name_from_code(&cl.proto.p, f.pc as i64 - 1)
        {
            let msg = format!(
                "attempt to call a {} value ({kind} '{}')",
                self.type_name_meta(v),
                c_name(&name)
            );
            return self.runtime_error(&msg);
        }
        let reg = self.reg_of(func);
        self.type_error_reg(v, reg, "call")
    }

    /// How the function at frame `level` was called, from its caller's
    /// code: ("global", "f"), ("method", "m"), ("metamethod", "index")…
    pub(crate) fn func_name_from_call(&self, level: usize) -> Option<(&'static str, Vec<u8>)> {
        let f = self.frame_at(level)?;
        let caller = self.frame_at(level + 1)?;
        if caller.flags & F_HOOKED != 0 {
            return Some(("hook", b"?".to_vec()));
        }
        if caller.flags & F_FINALIZER != 0 {
            return Some(("metamethod", b"__gc".to_vec()));
        }
        if f.flags & F_TAIL != 0 {
            return None;
        }
        let cl = caller.cl?;
        func_name_from_code(&cl.proto.p, caller.pc as i64 - 1)
    }

    /// The "bad argument" error for argument `n` of the running native.
    pub(crate) fn arg_error_impl(&mut self, n: usize, msg: &str) -> Error {
        let mut n = n;
        let named = self.func_name_from_call(0);
        let mut name = String::from("?");
        if let Some((kind, fname)) = named {
            name = String::from_utf8_lossy(&fname).into_owned();
            if kind == "method" {
                n -= 1;
                if n == 0 {
                    return self.error_str(&format!("calling '{name}' on bad self ({msg})"));
                }
            }
        } else if let Some(g) = self.global_func_name(0) {
            name = g;
        }
        self.error_str(&format!("bad argument #{n} to '{name}' ({msg})"))
    }

    /// The name of the function at `level` among the loaded modules
    /// ("print", "string.rep"), as the reference's pushglobalfuncname.
    pub(crate) fn global_func_name(&self, level: usize) -> Option<String> {
        let f = self.frame_at(level)?;
        let fv = self.th.stack[f.func];
        self.loaded_func_name(fv)
    }

    fn loaded_func_name(&self, fv: Value) -> Option<String> {
        let loaded = self.registry_loaded()?;
        let mut found: Option<String> = None;
        let mut k = Value::Nil;
        while let Ok(Some((mk, mv))) = loaded.next(k) {
            k = mk;
            let (Value::Str(mname), Value::Table(mt)) = (mk, mv) else {
                continue;
            };
            let mut fk = Value::Nil;
            while let Ok(Some((k2, v2))) = mt.next(fk) {
                fk = k2;
                if let Value::Str(fname) = k2
                    && v2.raw_eq(&fv)
                    && matches!(v2, Value::LuaFn(_) | Value::NativeFn(_) | Value::LightFn(_))
                {
                    if mname.as_bytes() == b"_G" {
                        if found.is_none() {
                            found = Some(fname.to_str_lossy().into_owned());
                        }
                    } else {
                        return Some(format!("{}.{}", mname.to_str_lossy(), fname.to_str_lossy()));
                    }
                }
            }
        }
        found
    }

    fn registry_loaded(&self) -> Option<Gc<Table>> {
        match self.raw_get_str(self.registry, "_LOADED") {
            Value::Table(t) => Some(t),
            _ => None,
        }
    }

    /// What function runs at `level`, as tracebacks describe it.
    fn function_description(&self, level: usize) -> String {
        let f = self.frame_at(level).unwrap();
        if f.flags & crate::state::F_HOST != 0 {
            return "?".to_string();
        }
        let fv = self.th.stack[f.func];
        if let Some(name) = self.loaded_func_name(fv) {
            return format!("function '{name}'");
        }
        if let Some((kind, name)) = self.func_name_from_call(level) {
            let name = String::from_utf8_lossy(&name);
            return match kind {
                "metamethod" => format!("metamethod '{name}'"),
                "for iterator" => "for iterator 'for iterator'".to_string(),
                _ => format!("{kind} '{name}'"),
            };
        }
        if let Some(cl) = f.cl {
            let p = &cl.proto.p;
            if p.line_defined == 0 {
                return "main chunk".to_string();
            }
            return format!(
                "function <{}:{}>",
                String::from_utf8_lossy(&lunar_syntax::chunk_id(&p.source)),
                p.line_defined
            );
        }
        "?".to_string()
    }

    /// The reference-style traceback of the running thread from `level`,
    /// after `msg` (when given).
    pub fn traceback(&self, msg: Option<&[u8]>, level: usize) -> Vec<u8> {
        let mut out = Vec::new();
        if let Some(m) = msg {
            out.extend_from_slice(m);
            out.push(b'\n');
        }
        out.extend_from_slice(b"stack traceback:");
        // luaL_traceback's walk: the first LEVELS1 levels, a line saying
        // how many are skipped, and the last LEVELS2.
        let n = self.th.frames.len() as i64;
        let last = n - 1;
        let mut level = level as i64;
        let mut limit2show: i64 = if last - level > (LEVELS1 + LEVELS2) as i64 {
            LEVELS1 as i64
        } else {
            -1
        };
        while level < n {
            let l = level as usize;
            level += 1;
            let show = limit2show != 0;
            limit2show -= 1;
            if !show {
                let skip = last - level - LEVELS2 as i64 + 1;
                out.extend_from_slice(format!("\n\t...\t(skipping {skip} levels)").as_bytes());
                level += skip;
                continue;
            }
            let f = *self.frame_at(l).unwrap();
            let src = match f.cl {
                Some(cl) => String::from_utf8_lossy(&lunar_syntax::chunk_id(&cl.proto.p.source))
                    .into_owned(),
                None => "[C]".to_string(),
            };
            let line = Self::frame_line(&f);
            let desc = self.function_description(l);
            if f.cl.is_some() && line > 0 {
                out.extend_from_slice(format!("\n\t{src}:{line}: in {desc}").as_bytes());
            } else {
                out.extend_from_slice(format!("\n\t{src}: in {desc}").as_bytes());
            }
            if f.flags & F_TAIL != 0 {
                out.extend_from_slice(b"\n\t(...tail calls...)");
            }
        }
        out
    }

    /// The metamethod name of event `e` without the "__".
    pub(crate) fn tm_short_name(e: usize) -> &'static str {
        &crate::state::TM_NAMES[e][2..]
    }
}

/// A name as the reference's messages show it (formatted with C's `%s`,
/// so cut at the first zero byte).
pub(crate) fn c_name(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}

/// Whether `a` and `b` are the same value (a NaN is itself).
pub(crate) fn same_value(a: Value, b: Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits() || x == y,
        _ => {
            a.raw_eq(&b)
                && a.type_of() == b.type_of()
                && std::mem::discriminant(&a) == std::mem::discriminant(&b)
        }
    }
}

fn upval_name(p: &Proto, idx: usize) -> Vec<u8> {
    match p.upvalues.get(idx) {
        Some(u) if !u.name.is_empty() => u.name.to_vec(),
        _ => b"?".to_vec(),
    }
}

fn const_name(p: &Proto, idx: usize) -> Vec<u8> {
    match p.constants.get(idx).and_then(|c| c.as_str()) {
        Some(s) => s.to_vec(),
        None => b"?".to_vec(),
    }
}

fn local_name(p: &Proto, n: usize, pc: i64) -> Option<Vec<u8>> {
    if pc < 0 {
        return None;
    }
    p.get_local_name(n as u32, pc as u32).map(|s| s.to_vec())
}

/// A name for the value in register `reg` at instruction `lastpc`, by
/// symbolic execution (the reference's getobjname).
pub(crate) fn get_obj_name(p: &Proto, lastpc: i64, reg: usize) -> Option<(&'static str, Vec<u8>)> {
    get_obj_name_depth(p, lastpc, reg, 0)
}

fn get_obj_name_depth(
    p: &Proto,
    lastpc: i64,
    reg: usize,
    depth: u32,
) -> Option<(&'static str, Vec<u8>)> {
    if depth > 50 {
        return None;
    }
    if let Some(n) = local_name(p, reg + 1, lastpc) {
        return Some(("local", n));
    }
    let pc = find_set_reg(p, lastpc, reg)?;
    let i = p.code[pc];
    match i.opcode() {
        OpCode::Move => {
            let b = i.b() as usize;
            if b < i.a() as usize {
                return get_obj_name_depth(p, pc as i64, b, depth + 1);
            }
        }
        OpCode::GetTabUp => {
            let k = const_name(p, i.c() as usize);
            if upval_name(p, i.b() as usize) == b"_ENV" {
                return Some(("global", k));
            }
            return Some(("field", k));
        }
        OpCode::GetTable => {
            let k = reg_const_name(p, pc, i.c() as usize);
            return Some((is_env_reg(p, pc, i.b() as usize), k));
        }
        OpCode::GetI => return Some(("field", b"integer index".to_vec())),
        OpCode::GetField => {
            let k = const_name(p, i.c() as usize);
            return Some((is_env_reg(p, pc, i.b() as usize), k));
        }
        OpCode::GetUpval => return Some(("upvalue", upval_name(p, i.b() as usize))),
        OpCode::LoadK | OpCode::LoadKX => {
            let mut idx = i.bx() as usize;
            if i.opcode() == OpCode::LoadKX && pc + 1 < p.code.len() {
                idx = p.code[pc + 1].ax() as usize;
            }
            if let Some(s) = p.constants.get(idx).and_then(|c| c.as_str()) {
                return Some(("constant", s.to_vec()));
            }
        }
        OpCode::SelfOp => {
            let k = if i.k() {
                const_name(p, i.c() as usize)
            } else {
                reg_const_name(p, pc, i.c() as usize)
            };
            return Some(("method", k));
        }
        _ => {}
    }
    None
}

fn reg_const_name(p: &Proto, pc: usize, reg: usize) -> Vec<u8> {
    match get_obj_name_depth(p, pc as i64, reg, 1) {
        Some(("constant", n)) => n,
        _ => b"?".to_vec(),
    }
}

fn is_env_reg(p: &Proto, pc: usize, reg: usize) -> &'static str {
    if local_name(p, reg + 1, pc as i64).as_deref() == Some(b"_ENV") {
        return "global";
    }
    if let Some(("upvalue", n)) = get_obj_name_depth(p, pc as i64, reg, 1)
        && n == b"_ENV"
    {
        return "global";
    }
    "field"
}

/// The last instruction before `lastpc` that changed register `reg`.
fn find_set_reg(p: &Proto, lastpc: i64, reg: usize) -> Option<usize> {
    let code = &p.code;
    let mut lastpc = lastpc;
    if lastpc >= 0 && (lastpc as usize) < code.len() && code[lastpc as usize].opcode().is_mm() {
        lastpc -= 1;
    }
    let mut setreg: Option<usize> = None;
    let mut jmptarget: i64 = 0;
    let mut pc: i64 = 0;
    while pc < lastpc && (pc as usize) < code.len() {
        let i: Instruction = code[pc as usize];
        let a = i.a() as usize;
        let change = match i.opcode() {
            OpCode::LoadNil => a <= reg && reg <= a + i.b() as usize,
            OpCode::TForCall => reg >= a + 2,
            OpCode::Call | OpCode::TailCall => reg >= a,
            OpCode::Jmp => {
                let dest = pc + 1 + i.sj() as i64;
                if dest <= lastpc && dest > jmptarget {
                    jmptarget = dest;
                }
                false
            }
            op => op.sets_a() && reg == a,
        };
        if change {
            setreg = if pc < jmptarget {
                None
            } else {
                Some(pc as usize)
            };
        }
        pc += 1;
    }
    setreg
}

/// The name of the function that instruction `pc` of `p` calls.
pub(crate) fn func_name_from_code(p: &Proto, pc: i64) -> Option<(&'static str, Vec<u8>)> {
    if pc < 0 || pc as usize >= p.code.len() {
        return None;
    }
    let i = p.code[pc as usize];
    let mm = |s: &str| Some(("metamethod", s.as_bytes().to_vec()));
    match i.opcode() {
        OpCode::Call | OpCode::TailCall => get_obj_name(p, pc, i.a() as usize),
        OpCode::TForCall => Some(("for iterator", b"for iterator".to_vec())),
        OpCode::SelfOp | OpCode::GetTabUp | OpCode::GetTable | OpCode::GetI | OpCode::GetField => {
            mm("index")
        }
        OpCode::SetTabUp | OpCode::SetTable | OpCode::SetI | OpCode::SetField => mm("newindex"),
        OpCode::MmBin | OpCode::MmBinI | OpCode::MmBinK => mm(State::tm_short_name(i.c() as usize)),
        OpCode::Unm => mm("unm"),
        OpCode::BNot => mm("bnot"),
        OpCode::Len => mm("len"),
        OpCode::Concat => mm("concat"),
        OpCode::Eq => mm("eq"),
        OpCode::Lt | OpCode::LtI | OpCode::GtI => mm("lt"),
        OpCode::Le | OpCode::LeI | OpCode::GeI => mm("le"),
        OpCode::Close | OpCode::Return => mm("close"),
        _ => None,
    }
}

/// What `debug.getinfo` reports about a function (and, for an active
/// frame, about the call).
#[derive(Debug, Clone, Default)]
pub struct DebugInfo {
    /// The chunk name (`source`), `"=[C]"` for natives.
    pub source: Vec<u8>,
    /// The chunk name as messages show it.
    pub short_src: Vec<u8>,
    /// First and last line of the definition (-1 for natives).
    pub line_defined: i64,
    /// Last line of the definition.
    pub last_line_defined: i64,
    /// "Lua", "C" or "main".
    pub what: &'static str,
    /// Current line of an active Lua frame (-1 otherwise).
    pub current_line: i64,
    /// Number of upvalues.
    pub nups: usize,
    /// Number of fixed parameters.
    pub nparams: usize,
    /// Whether the function is variadic.
    pub is_vararg: bool,
    /// How the frame's function was called (global, local, method,
    /// field, upvalue, metamethod, for iterator), when known.
    pub name: Option<(&'static str, Vec<u8>)>,
    /// Whether the frame was entered by a tail call.
    pub is_tail_call: bool,
    /// The function.
    pub func: Value,
    /// Lines with code (for 'L').
    pub active_lines: Vec<u32>,
}

impl State {
    /// Runs `f` with thread `co` as the running thread (for the debug
    /// library's thread arguments); the running thread when it is `co`.
    pub fn with_thread<R>(
        &mut self,
        co: Gc<crate::state::Thread>,
        f: impl FnOnce(&mut State) -> R,
    ) -> R {
        if co.ptr_eq(self.current) {
            return f(self);
        }
        // `co`'s data is swapped in from the cell that holds it and back
        // (the running thread's data waits in that cell meanwhile).
        let prev = self.current;
        let holder = self.data_holder(co);
        std::mem::swap(&mut self.th, &mut *holder.data.borrow_mut());
        self.current = co;
        let r = f(self);
        std::mem::swap(&mut self.th, &mut *holder.data.borrow_mut());
        self.current = prev;
        r
    }

    /// Information about function `f`.
    pub fn debug_info_func(&self, f: Value) -> DebugInfo {
        let mut d = DebugInfo {
            func: f,
            current_line: -1,
            ..DebugInfo::default()
        };
        match f {
            Value::LuaFn(cl) => {
                let p = &cl.proto.p;
                d.source = p.source.to_vec();
                d.short_src = lunar_syntax::chunk_id(&p.source);
                d.line_defined = p.line_defined as i64;
                d.last_line_defined = p.last_line_defined as i64;
                d.what = if p.line_defined == 0 { "main" } else { "Lua" };
                d.nups = cl.upvals.len();
                d.nparams = p.num_params as usize;
                d.is_vararg = p.is_vararg;
                let mut lines: Vec<u32> = p
                    .line_info
                    .iter()
                    .enumerate()
                    .filter(|(i, l)| !(*i == 0 && p.is_vararg) && **l > 0)
                    .map(|(_, l)| *l)
                    .collect();
                lines.sort_unstable();
                lines.dedup();
                d.active_lines = lines;
            }
            _ => {
                d.source = b"=[C]".to_vec();
                d.short_src = b"[C]".to_vec();
                d.line_defined = -1;
                d.last_line_defined = -1;
                d.what = "C";
                d.is_vararg = true;
                if let Value::NativeFn(c) = f {
                    d.nups = c.upvalues.len();
                }
            }
        }
        d
    }

    /// Information about the active frame at `level` (0 = the running
    /// function), or `None` past the outermost frame.
    pub fn debug_info_level(&self, level: usize) -> Option<DebugInfo> {
        let f = *self.frame_at(level)?;
        let fv = self.th.stack[f.func];
        let mut d = self.debug_info_func(fv);
        if f.cl.is_some() {
            d.current_line = Self::frame_line(&f);
        }
        d.name = self.func_name_from_call(level);
        d.is_tail_call = f.flags & F_TAIL != 0;
        Some(d)
    }

    /// The stack slot and name of local `n` of the frame at `level`
    /// (negative `n`: varargs), as `debug.getlocal` finds it.
    fn local_slot(&self, level: usize, n: i64) -> Option<(Vec<u8>, usize)> {
        let f = *self.frame_at(level)?;
        let limit = if level > 0 {
            self.frame_at(level - 1)
                .map(|g| g.func)
                .unwrap_or(self.th.top)
        } else {
            self.th.top
        };
        let Some(cl) = f.cl else {
            if n > 0 && f.base() + (n as usize) - 1 < limit {
                return Some((b"(C temporary)".to_vec(), f.base() + n as usize - 1));
            }
            return None;
        };
        if n < 0 {
            let k = (-n) as usize;
            if k <= f.nextra {
                return Some((b"(vararg)".to_vec(), f.func - f.nextra + k - 1));
            }
            return None;
        }
        if n == 0 {
            return None;
        }
        if let Some(name) = cl
            .proto
            .p
            .get_local_name(n as u32, f.pc.saturating_sub(1) as u32)
        {
            return Some((name.to_vec(), f.base() + n as usize - 1));
        }
        let limit = if level == 0 { f.top } else { limit };
        if f.base() + (n as usize) - 1 < limit {
            return Some((b"(temporary)".to_vec(), f.base() + n as usize - 1));
        }
        None
    }

    /// `debug.getlocal(level, n)`: the name and value of a local, or
    /// `None`; `Err(())` when `level` is out of range.
    #[allow(clippy::result_unit_err)]
    pub fn get_local(&self, level: usize, n: i64) -> Result<Option<(Vec<u8>, Value)>, ()> {
        if self.frame_at(level).is_none() {
            return Err(());
        }
        Ok(self
            .local_slot(level, n)
            .map(|(name, idx)| (name, self.th.stack[idx])))
    }

    /// `debug.setlocal(level, n, v)`: the local's name, or `None`;
    /// `Err(())` when `level` is out of range.
    #[allow(clippy::result_unit_err)]
    pub fn set_local(&mut self, level: usize, n: i64, v: Value) -> Result<Option<Vec<u8>>, ()> {
        if self.frame_at(level).is_none() {
            return Err(());
        }
        Ok(self.local_slot(level, n).map(|(name, idx)| {
            self.th.stack[idx] = v;
            name
        }))
    }

    /// The name of parameter `n` of Lua function `f` (`debug.getlocal(f, n)`).
    pub fn param_name(&self, f: Value, n: i64) -> Option<Vec<u8>> {
        match f {
            Value::LuaFn(cl) if n > 0 => cl.proto.p.get_local_name(n as u32, 0).map(|s| s.to_vec()),
            _ => None,
        }
    }

    /// Upvalue `n` (1-based) of function `f`: its name ("" for natives'
    /// upvalues, "(no name)" when stripped) and value.
    pub fn get_upvalue(&self, f: Value, n: usize) -> Option<(Vec<u8>, Value)> {
        match f {
            Value::LuaFn(cl) => {
                let u = cl.upvals.get(n.checked_sub(1)?)?;
                let name = cl
                    .proto
                    .p
                    .upvalues
                    .get(n - 1)
                    .map(|d| d.name.to_vec())
                    .unwrap_or_default();
                let name = if name.is_empty() {
                    b"(no name)".to_vec() // stripped, as the reference names it
                } else {
                    name
                };
                Some((name, u.get().get()))
            }
            Value::NativeFn(c) => {
                let u = c.upvalues.get(n.checked_sub(1)?)?;
                Some((Vec::new(), u.get()))
            }
            _ => None,
        }
    }

    /// Sets upvalue `n` of function `f`; its name, or `None`.
    pub fn set_upvalue_of(&self, f: Value, n: usize, v: Value) -> Option<Vec<u8>> {
        let (name, _) = self.get_upvalue(f, n)?;
        match f {
            Value::LuaFn(cl) => cl.upvals[n - 1].get().set(v),
            Value::NativeFn(c) => c.upvalues[n - 1].set(v),
            _ => {}
        }
        Some(name)
    }

    /// An identity for upvalue `n` of `f` (`debug.upvalueid`).
    pub fn upvalue_id(&self, f: Value, n: usize) -> Option<usize> {
        match f {
            Value::LuaFn(cl) => cl.upvals.get(n.checked_sub(1)?).map(|u| u.get().addr()),
            Value::NativeFn(c) => c
                .upvalues
                .get(n.checked_sub(1)?)
                .map(|u| u as *const _ as usize),
            _ => None,
        }
    }

    /// Makes upvalue `n1` of Lua closure `f1` refer to upvalue `n2` of
    /// `f2` (`debug.upvaluejoin`); false when an index is invalid.
    pub fn upvalue_join(&mut self, f1: Value, n1: usize, f2: Value, n2: usize) -> bool {
        let (Value::LuaFn(c1), Value::LuaFn(c2)) = (f1, f2) else {
            return false;
        };
        let (Some(i1), Some(i2)) = (n1.checked_sub(1), n2.checked_sub(1)) else {
            return false;
        };
        if i1 >= c1.upvals.len() || i2 >= c2.upvals.len() {
            return false;
        }
        c1.upvals[i1].set(c2.upvals[i2].get());
        true
    }
}
