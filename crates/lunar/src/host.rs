//! The boundary between the host and the VM: protected calls that turn
//! VM errors into [`Error`]s (with the value and a traceback), Rust
//! closures as Lua functions, and errors raised from Rust into Lua.

use crate::convert::{FromLuaMulti, IntoLuaMulti, MultiValue};
use crate::error::{Error, ErrorKind, Result, TraceFrame};
use crate::state::Ctx;
use crate::value::{Function, Value};
use lunar_vm::{Error as VmError, State as Vm, Value as Raw};

/// What the embedding layer keeps in the VM state (`Vm::host_data`).
#[derive(Default)]
pub(crate) struct HostData {
    /// The traceback the message handler took for the error under way.
    traceback: Option<String>,
    /// The prototypes (by address) of the programs whose runtime form
    /// the VM keeps for this state's runs (`Ctx::load_raw`).
    pub(crate) kept_programs: Vec<usize>,
    /// The metatables of the userdata types this state has met, by type
    /// (also in the registry; see `userdata::metatable`).
    pub(crate) userdata_metatables: Vec<(std::any::TypeId, lunar_vm::Root)>,
    /// Set while an asynchronous run drives the state.
    #[cfg(feature = "async")]
    pub(crate) async_active: bool,
    /// The future of the asynchronous function the run waits on.
    #[cfg(feature = "async")]
    pub(crate) pending: Option<crate::async_host::Pending>,
    /// The error that future ended with, for the waiting function to raise.
    #[cfg(feature = "async")]
    pub(crate) pending_error: Option<Error>,
    /// The coroutine of the last asynchronous run that finished normally,
    /// for the next run to reuse (rooted while it waits here).
    #[cfg(feature = "async")]
    pub(crate) spare_thread: Option<crate::Value>,
}

pub(crate) fn host_data(vm: &mut Vm) -> &mut HostData {
    let slot = vm.host_data();
    if !slot.as_ref().is_some_and(|d| d.is::<HostData>()) {
        *slot = Some(Box::new(HostData::default()));
    }
    slot.as_mut()
        .and_then(|d| d.downcast_mut::<HostData>())
        .expect("host data was just set")
}

/// The message handler of host calls: takes the traceback where the
/// error was raised (level 1 up), leaves the value unchanged.
fn message_handler(vm: &mut Vm) -> Result<usize, VmError> {
    let v = vm.arg(1);
    if !vm.limit_tripped() {
        let tb = vm.traceback(None, 1);
        host_data(vm).traceback = Some(String::from_utf8_lossy(&tb).into_owned());
    }
    vm.push(v);
    Ok(1)
}

/// Calls `f` with `args` (the VM's values, which the caller keeps alive),
/// protected, from the host or from a Rust function: all the results,
/// rooted.
///
/// The message handler's traceback needs no clearing first: the handler
/// runs only when this call fails, and [`error_from_vm`] takes whatever
/// it left on every failure, so none is ever left over from an earlier
/// call (and a call that succeeds touches no host data).
pub(crate) fn call_raw_args(vm: &mut Vm, f: Raw, args: &[Raw]) -> Result<MultiValue> {
    match vm.pcall(f, args, Some(Raw::LightFn(message_handler))) {
        Ok(res) => Ok(MultiValue::from_raw(vm, &res)),
        Err(_) => Err(error_from_vm(vm)),
    }
}

/// [`call_raw_args`] with the results as the VM's values, not rooted:
/// the caller roots or converts them before anything runs (one list, the
/// VM's, for any number of results; none for no result).
pub(crate) fn call_raw_list(vm: &mut Vm, f: Raw, args: &[Raw]) -> Result<Vec<Raw>> {
    vm.pcall(f, args, Some(Raw::LightFn(message_handler)))
        .map_err(|_| error_from_vm(vm))
}

/// [`call_raw_args`] keeping exactly `N` results (nil for missing ones),
/// in an array: nothing allocated. The results are not rooted: the
/// caller roots them (`Value::from_raw`) before anything can collect.
/// The traceback needs no clearing first, as in [`call_raw_args`].
pub(crate) fn call_raw_n<const N: usize>(vm: &mut Vm, f: Raw, args: &[Raw]) -> Result<[Raw; N]> {
    vm.pcall_n::<N>(f, args, Some(Raw::LightFn(message_handler)))
        .map_err(|_| error_from_vm(vm))
}

/// The [`Error`] for the failure of a protected call.
pub(crate) fn error_from_vm(vm: &mut Vm) -> Error {
    let ev = vm.take_error_value();
    // Taken on every failure, the limits' included (a handler may have
    // run before a closing method tripped one), so that none is stale.
    let text = host_data(vm).traceback.take();
    if let Some(limit) = vm.tripped_limit() {
        let text = vm.limit_traceback().map(str::to_string);
        let frames = text.as_deref().map(parse_traceback).unwrap_or_default();
        return Error::build(
            ErrorKind::Limit(limit),
            limit.message(),
            None,
            frames,
            text,
            None,
        );
    }
    error_from_raw(vm, ev, text)
}

/// The [`Error`] for a raw Lua error value `ev` with the traceback `text`.
pub(crate) fn error_from_raw(vm: &mut Vm, ev: Raw, text: Option<String>) -> Error {
    let frames = text.as_deref().map(parse_traceback).unwrap_or_default();
    if let Raw::UserData(u) = ev
        && let Ok(data) = u.data.try_borrow()
        && let Some(b) = data.downcast_ref::<ErrorBox>()
    {
        return b.0.with_trace(None, frames, text);
    }
    let message = vm.error_message(ev);
    let value = Value::from_raw(vm, ev);
    Error::build(ErrorKind::Runtime, message, Some(value), frames, text, None)
}

/// Reads a traceback as `lua` prints it into levels.
fn parse_traceback(text: &str) -> Vec<TraceFrame> {
    text.lines()
        .filter_map(|l| l.strip_prefix('\t'))
        .filter(|l| !l.starts_with("..."))
        .map(|l| {
            let (place, function) = l.split_once(": in ").unwrap_or((l, "?"));
            let (chunk, line) = match place.rsplit_once(':') {
                Some((c, n)) if n.parse::<u32>().is_ok() => (c, n.parse().ok()),
                _ => (place, None),
            };
            TraceFrame {
                chunk: chunk.to_string(),
                line,
                function: function.to_string(),
            }
        })
        .collect()
}

/// A Rust error travelling through Lua as an error value (a userdata
/// whose `__tostring` is the error's message).
struct ErrorBox(Error);

/// The registry key of the metatable of error values made from Rust
/// errors.
const ERROR_MT: &str = "lunar.Error";

fn error_tostring(vm: &mut Vm) -> Result<usize, VmError> {
    let msg = match vm.arg(1) {
        Raw::UserData(u) => u.data.try_borrow().ok().and_then(|d| {
            d.downcast_ref::<ErrorBox>()
                .map(|b| b.0.message().to_string())
        }),
        _ => None,
    };
    let v = vm.str_value(msg.unwrap_or_else(|| "lunar.Error".into()).as_bytes());
    vm.push(v);
    Ok(1)
}

/// Raises `e` in Lua from a native function: a Lua error (with its value
/// when it came from Lua), a bad-argument error for a failed argument
/// conversion, or the Rust error itself as an error value.
pub(crate) fn raise(vm: &mut Vm, e: Error) -> VmError {
    if vm.limit_tripped() {
        return VmError::Limit;
    }
    if let Some((pos, expected, detail)) = e.argument() {
        return match detail {
            Some(d) => vm.arg_error(pos, d),
            None => vm.type_error(pos, expected),
        };
    }
    match e.kind() {
        ErrorKind::Runtime | ErrorKind::Conversion if e.cause().is_none() => {
            if let Some(v) = e.value()
                && let Ok(raw) = v.to_raw(vm)
            {
                return vm.raise(raw);
            }
            vm.error_str(e.message())
        }
        _ => {
            let reg = vm.registry();
            let mt = match vm.get_field(reg, ERROR_MT) {
                Raw::Table(t) => t,
                _ => {
                    let t = vm.new_table(0, 2);
                    let f = Raw::LightFn(error_tostring);
                    vm.set_field(t, "__tostring", f);
                    let name = vm.str_value(ERROR_MT.as_bytes());
                    vm.set_field(t, "__name", name);
                    vm.set_field(reg, ERROR_MT, Raw::Table(t));
                    t
                }
            };
            let ud = vm.new_userdata(Box::new(ErrorBox(e)));
            if let Raw::UserData(u) = ud {
                u.metatable.set(Some(mt));
            }
            vm.raise(ud)
        }
    }
}

/// Makes `f` a Lua function: a native function whose host data is `f`
/// itself ([`Vm::new_native_with_data`]), run by [`call_rust`] for its
/// types. The closure is not an upvalue, so Lua code cannot replace it
/// (`debug.setupvalue` sees no upvalue), and the function object stays
/// in its frame's function slot while it runs: the call borrows the
/// closure without cloning or locking anything.
pub(crate) fn create_function<A, R, F>(cx: &mut Ctx<'_>, f: F) -> Function
where
    A: FromLuaMulti,
    R: IntoLuaMulti,
    F: Fn(&mut Ctx<'_>, A) -> Result<R> + Send + Sync + 'static,
{
    let vm = &mut *cx.vm;
    let fv = vm.new_native_with_data(call_rust::<A, R, F>, Box::new(f));
    Function(vm.root(fv))
}

/// The native function behind a Rust function of type `F`: converts the
/// arguments on the stack, calls the closure with panics caught, pushes
/// its results (arguments and results stay on the stack, not in lists,
/// so that a call with a few of each allocates nothing), and raises its
/// error.
fn call_rust<A, R, F>(vm: &mut Vm) -> Result<usize, VmError>
where
    A: FromLuaMulti,
    R: IntoLuaMulti,
    F: Fn(&mut Ctx<'_>, A) -> Result<R> + Send + Sync + 'static,
{
    let n = vm.arg_count();
    let r = vm.with_native_data(|vm, f: &F| {
        catch_panic(vm, |cx| {
            let a = A::from_stack_args(cx, 0, n)?;
            f(cx, a)?.push_results(cx)
        })
    });
    match r {
        Some(Ok(n)) => Ok(n),
        Some(Err(e)) => Err(raise_from_rust(vm, e)),
        None => Err(vm.error_str("lunar: not a Rust function")),
    }
}

/// [`raise`] for the natives that run Rust code ([`call_rust`], userdata
/// methods), out of line: it is the rare way out, and inline it would
/// make every such call set up a large frame.
#[cold]
#[inline(never)]
pub(crate) fn raise_from_rust(vm: &mut Vm, e: Error) -> VmError {
    raise(vm, e)
}

/// Calls `body` with a context, catching a panic as an
/// [`ErrorKind::Panic`] error.
pub(crate) fn catch_panic<R>(
    vm: &mut Vm,
    body: impl FnOnce(&mut Ctx<'_>) -> Result<R>,
) -> Result<R> {
    // On the way without a panic this costs nothing: `body` is inlined
    // and the handler is a landing pad, out of the way.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut cx = Ctx { vm: &mut *vm };
        body(&mut cx)
    }))
    .unwrap_or_else(|panic| Err(panic_error(panic)))
}

/// The [`ErrorKind::Panic`] error for a caught panic (out of line, so
/// that every Rust function's call does not carry it).
#[cold]
#[inline(never)]
fn panic_error(panic: Box<dyn std::any::Any + Send>) -> Error {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a Rust function panicked".to_string());
    Error::new(ErrorKind::Panic, format!("Rust function panicked: {what}"))
}
