//! The coroutine library (§6.2): create, resume, yield, status, close,
//! isyieldable, running and wrap, over the VM's coroutine API.

use lunar_vm::{Error, Gc, State, Thread, Value};

/// Opens the coroutine library (`coroutine` global and module).
pub fn open_coroutine(st: &mut State) {
    let funcs: &[(&str, lunar_vm::NativeFn)] = &[
        ("create", create),
        ("resume", resume),
        ("yield", yield_),
        ("status", status),
        ("wrap", wrap),
        ("isyieldable", isyieldable),
        ("running", running),
        ("close", close),
    ];
    crate::table::new_lib(st, "coroutine", funcs);
}

fn check_function(st: &mut State, n: usize) -> Result<Value, Error> {
    let v = st.arg(n);
    if matches!(v, Value::LuaFn(_) | Value::NativeFn(_) | Value::LightFn(_)) {
        Ok(v)
    } else {
        Err(st.type_error(n, "function"))
    }
}

fn check_co(st: &mut State, n: usize) -> Result<Gc<Thread>, Error> {
    match st.arg(n) {
        Value::Thread(t) => Ok(t),
        _ => Err(st.type_error(n, "thread")),
    }
}

fn create(st: &mut State) -> Result<usize, Error> {
    let f = check_function(st, 1)?;
    let co = st.new_thread(f);
    st.push(Value::Thread(co));
    Ok(1)
}

/// Whether `vals` is a host's asynchronous function waiting (see
/// `lunar_vm::coroutine::HOST_WAIT`) and the running coroutine can pass
/// the wait on to its own resumer.
/// Whether the values a resume left from argument `first` on are a host
/// wait that this coroutine passes on to its own resumer.
fn passes_wait_on(st: &State, first: usize, n: usize) -> bool {
    n > 0 && st.arg(first).raw_eq(&lunar_vm::coroutine::HOST_WAIT) && st.is_yieldable()
}

/// `coroutine.resume` after a host wait it passed on: its arguments are
/// the coroutine and the driver's answer, as for a new resume.
fn resume_k(st: &mut State, _ok: bool, _ctx: isize) -> Result<usize, Error> {
    resume(st)
}

fn resume(st: &mut State) -> Result<usize, Error> {
    let co = check_co(st, 1)?;
    // The arguments from 2 on go to the coroutine and are replaced by
    // what it yields or returns.
    match st.resume_args(co, 2) {
        // Wait for the host too, then resume the coroutine with what the
        // host answers.
        Ok(n) if passes_wait_on(st, 2, n) => Err(st.yield_k(2, 0, resume_k)),
        Ok(n) => {
            st.set_arg(1, Value::Bool(true));
            Ok(n + 1)
        }
        // A limit that stopped the coroutine stops its resumer too.
        Err(_) if st.limit_tripped() => Err(Error::Limit),
        Err(e) => {
            st.push(Value::Bool(false));
            st.push(e);
            Ok(2)
        }
    }
}

fn yield_(st: &mut State) -> Result<usize, Error> {
    Err(st.yield_values())
}

fn status(st: &mut State) -> Result<usize, Error> {
    let co = check_co(st, 1)?;
    let s = st.thread_status(co);
    let v = st.str_value(s.as_bytes());
    st.push(v);
    Ok(1)
}

fn running(st: &mut State) -> Result<usize, Error> {
    let t = st.current_thread();
    let is_main = t.ptr_eq(st.main_thread());
    st.push(Value::Thread(t));
    st.push(Value::Bool(is_main));
    Ok(2)
}

fn isyieldable(st: &mut State) -> Result<usize, Error> {
    let r = if st.top() > 0 {
        let co = check_co(st, 1)?;
        if co.ptr_eq(st.current_thread()) {
            st.is_yieldable()
        } else {
            !co.ptr_eq(st.main_thread())
        }
    } else {
        st.is_yieldable()
    };
    st.push(Value::Bool(r));
    Ok(1)
}

fn wrap_aux(st: &mut State) -> Result<usize, Error> {
    let Value::Thread(co) = st.upvalue(1) else {
        return Ok(0);
    };
    match st.resume_args(co, 1) {
        Ok(n) if passes_wait_on(st, 1, n) => Err(st.yield_k(1, 0, wrap_k)),
        Ok(n) => Ok(n),
        Err(_) if st.limit_tripped() => Err(Error::Limit),
        Err(mut ev) => {
            if co.status() == lunar_vm::CoStatus::Dead
                && let Err(cev) = st.close_thread(co)
            {
                ev = cev;
            }
            if let Value::Str(s) = ev {
                let mut out = st.where_(1);
                out.extend_from_slice(s.as_bytes());
                ev = st.str_value(&out);
            }
            Err(st.raise(ev))
        }
    }
}

/// A wrapped coroutine's function after a host wait it passed on: its
/// arguments are the driver's answer.
fn wrap_k(st: &mut State, _ok: bool, _ctx: isize) -> Result<usize, Error> {
    wrap_aux(st)
}

fn wrap(st: &mut State) -> Result<usize, Error> {
    let f = check_function(st, 1)?;
    let co = st.new_thread(f);
    let w = st.new_native(wrap_aux, &[Value::Thread(co)]);
    st.push(w);
    Ok(1)
}

fn close(st: &mut State) -> Result<usize, Error> {
    let co = check_co(st, 1)?;
    match st.thread_status(co) {
        "running" => return Err(st.error_str("cannot close a running coroutine")),
        "normal" => return Err(st.error_str("cannot close a normal coroutine")),
        _ => {}
    }
    match st.close_thread(co) {
        Ok(()) => {
            st.push(Value::Bool(true));
            Ok(1)
        }
        Err(_) if st.limit_tripped() => Err(Error::Limit),
        Err(e) => {
            st.push(Value::Bool(false));
            st.push(e);
            Ok(2)
        }
    }
}
