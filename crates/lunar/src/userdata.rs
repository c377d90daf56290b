//! Rust values inside Lua: the [`UserData`] trait (methods, fields and
//! metamethods of a Rust type as Lua sees them), [`Ctx::create_userdata`],
//! and the host's access to the data ([`AnyUserData::borrow`],
//! [`AnyUserData::borrow_mut`], [`AnyUserData::take`]).

use crate::convert::{FromLua, FromLuaMulti, IntoLua, IntoLuaMulti, stack_arg};
use crate::error::{Error, ErrorKind, Result};
use crate::state::{Ctx, Lua, State};
use crate::value::{AnyUserData, Function, Table, Value, raw_of};
use lunar_vm::{Gc, Root, Value as Raw};
use std::any::TypeId;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A Rust type that Lua can hold as a userdata, with the methods, fields
/// and metamethods it shows to scripts. Both functions have empty
/// defaults: a type with neither is an opaque value Lua can only pass
/// around.
///
/// Any `UserData` value converts to Lua ([`IntoLua`]: a new userdata
/// that owns it), and a `UserData + Clone` value converts back
/// ([`FromLua`]: a clone of the data), so such types may be arguments
/// and results of Rust functions directly.
///
/// Each state builds one metatable per Rust type, the first time a value
/// of that type enters it, and keeps it in its registry: `__name` is the
/// type's short name (`Counter` for `app::Counter<T>`, as errors show
/// it), `__index` finds methods and then field getters (then the type's
/// [`MetaMethod::Index`], if any), `__newindex` field setters (then
/// [`MetaMethod::NewIndex`]; when neither handles the key, setting it is
/// the error "attempt to set unknown field 'x' of Counter"; a type with
/// no setter and no `NewIndex` has no `__newindex`, so setting any field
/// is Lua's "attempt to index a Counter value"), and the other
/// metamethods are there under their names.
///
/// The data is borrow-checked at run time: methods taking `&T` may nest,
/// but a method taking `&mut T` while another borrow of the same value is
/// active (a method up the stack that called back into Lua) fails with
/// the Lua error "userdata already borrowed". The value is dropped (its
/// `Drop` runs) when the collector frees the userdata, or with the state.
///
/// ```
/// use lunar::{MetaMethod, State, UserData, UserDataFields, UserDataMethods};
///
/// struct Counter { n: i64 }
///
/// impl UserData for Counter {
///     fn add_fields(f: &mut UserDataFields<Self>) {
///         f.add_field_method_get("n", |_, c| Ok(c.n));
///     }
///     fn add_methods(m: &mut UserDataMethods<Self>) {
///         m.add_method_mut("add", |_, c, by: i64| { c.n += by; Ok(c.n) });
///         m.add_meta_method(MetaMethod::ToString, |_, c, ()| Ok(format!("Counter({})", c.n)));
///     }
/// }
///
/// let mut state = State::new();
/// state.set_global("c", Counter { n: 1 }).unwrap();
/// let s: String = state.exec("t.lua", "c:add(41) return tostring(c) .. ' ' .. c.n").unwrap();
/// assert_eq!(s, "Counter(42) 42");
/// ```
pub trait UserData: Send + 'static {
    /// Adds the fields scripts read (`u.name`) and write (`u.name = v`).
    ///
    /// ```
    /// use lunar::{UserData, UserDataFields};
    /// struct Version { major: u32 }
    /// impl UserData for Version {
    ///     fn add_fields(f: &mut UserDataFields<Self>) {
    ///         f.add_field_method_get("major", |_, v| Ok(v.major));
    ///     }
    /// }
    /// let mut state = lunar::State::new();
    /// state.set_global("v", Version { major: 5 }).unwrap();
    /// assert_eq!(state.exec::<u32>("t.lua", "return v.major").unwrap(), 5);
    /// // No setter at all: the type has no `__newindex`.
    /// let err = state.exec::<()>("t.lua", "v.major = 6").unwrap_err();
    /// assert_eq!(err.message(), "t.lua:1: attempt to index a Version value (global 'v')");
    /// ```
    fn add_fields(fields: &mut UserDataFields<Self>)
    where
        Self: Sized,
    {
        let _ = fields;
    }

    /// Adds the methods (`u:name(...)`) and metamethods.
    ///
    /// ```
    /// use lunar::{UserData, UserDataMethods};
    /// struct Stack(Vec<i64>);
    /// impl UserData for Stack {
    ///     fn add_methods(m: &mut UserDataMethods<Self>) {
    ///         m.add_method_mut("push", |_, s, v: i64| { s.0.push(v); Ok(()) });
    ///         m.add_method_mut("pop", |_, s, ()| Ok(s.0.pop()));
    ///     }
    /// }
    /// let mut state = lunar::State::new();
    /// state.set_global("s", Stack(vec![])).unwrap();
    /// let r: (Option<i64>, Option<i64>, Option<i64>) = state.exec("t.lua", "s:push(1) s:push(2) return s:pop(), s:pop(), s:pop()").unwrap();
    /// assert_eq!(r, (Some(2), Some(1), None));
    /// ```
    fn add_methods(methods: &mut UserDataMethods<Self>)
    where
        Self: Sized,
    {
        let _ = methods;
    }
}

/// The metamethods a [`UserData`] type may define (§2.4 of the manual).
///
/// ```
/// assert_eq!(lunar::MetaMethod::ToString.name(), "__tostring");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MetaMethod {
    /// `+` (`__add`).
    Add,
    /// `-` (`__sub`).
    Sub,
    /// `*` (`__mul`).
    Mul,
    /// `/` (`__div`).
    Div,
    /// `%` (`__mod`).
    Mod,
    /// `^` (`__pow`).
    Pow,
    /// Unary `-` (`__unm`).
    Unm,
    /// `//` (`__idiv`).
    IDiv,
    /// `&` (`__band`).
    BAnd,
    /// `|` (`__bor`).
    BOr,
    /// Binary `~` (`__bxor`).
    BXor,
    /// Unary `~` (`__bnot`).
    BNot,
    /// `<<` (`__shl`).
    Shl,
    /// `>>` (`__shr`).
    Shr,
    /// `..` (`__concat`).
    Concat,
    /// `#` (`__len`).
    Len,
    /// `==` (`__eq`; called only when both operands are tables or both
    /// full userdata).
    ///
    /// ```
    /// use lunar::{AnyUserData, MetaMethod, UserData, UserDataMethods};
    /// struct Id(u32);
    /// impl UserData for Id {
    ///     fn add_methods(m: &mut UserDataMethods<Self>) {
    ///         m.add_meta_method(MetaMethod::Eq, |cx, a, b: AnyUserData| b.borrow(cx, |b: &Id| a.0 == b.0));
    ///     }
    /// }
    /// let mut state = lunar::State::new();
    /// state.set_global("a", Id(1)).unwrap();
    /// state.set_global("b", Id(1)).unwrap();
    /// let (same, vs_number): (bool, bool) = state.exec("t.lua", "return a == b, a == 1").unwrap();
    /// assert!(same && !vs_number);
    /// ```
    Eq,
    /// `<` (`__lt`).
    Lt,
    /// `<=` (`__le`).
    Le,
    /// Reading a key that is neither a method nor a field (`__index`).
    ///
    /// ```
    /// use lunar::{MetaMethod, UserData, UserDataMethods};
    /// struct Env;
    /// impl UserData for Env {
    ///     fn add_methods(m: &mut UserDataMethods<Self>) {
    ///         m.add_method("name", |_, _, ()| Ok("env"));
    ///         m.add_meta_method(MetaMethod::Index, |_, _, key: String| Ok(format!("${key}")));
    ///     }
    /// }
    /// let mut state = lunar::State::new();
    /// state.set_global("env", Env).unwrap();
    /// let (a, b): (String, String) = state.exec("t.lua", "return env:name(), env.HOME").unwrap();
    /// assert_eq!((a.as_str(), b.as_str()), ("env", "$HOME"));
    /// ```
    Index,
    /// Writing a key that is not a field with a setter (`__newindex`).
    ///
    /// ```
    /// use lunar::{MetaMethod, UserData, UserDataMethods, Value};
    /// struct Log(Vec<String>);
    /// impl UserData for Log {
    ///     fn add_methods(m: &mut UserDataMethods<Self>) {
    ///         m.add_meta_method_mut(MetaMethod::NewIndex, |_, log, (k, _v): (String, Value)| { log.0.push(k); Ok(()) });
    ///         m.add_method("count", |_, log, ()| Ok(log.0.len()));
    ///     }
    /// }
    /// let mut state = lunar::State::new();
    /// state.set_global("log", Log(vec![])).unwrap();
    /// assert_eq!(state.exec::<i64>("t.lua", "log.a = 1 log.b = 2 return log:count()").unwrap(), 2);
    /// ```
    NewIndex,
    /// Calling the value (`__call`).
    Call,
    /// `tostring` and `print` (`__tostring`).
    ToString,
    /// Leaving the scope of a to-be-closed variable (`__close`).
    ///
    /// ```
    /// use lunar::{MetaMethod, UserData, UserDataMethods};
    /// struct Lock(bool);
    /// impl UserData for Lock {
    ///     fn add_methods(m: &mut UserDataMethods<Self>) {
    ///         m.add_meta_method_mut(MetaMethod::Close, |_, l, ()| { l.0 = false; Ok(()) });
    ///         m.add_method("held", |_, l, ()| Ok(l.0));
    ///     }
    /// }
    /// let mut state = lunar::State::new();
    /// state.set_global("lock", Lock(true)).unwrap();
    /// let held: bool = state.exec("t.lua", "do local l <close> = lock end return lock:held()").unwrap();
    /// assert!(!held);
    /// ```
    Close,
    /// `pairs` (`__pairs`).
    ///
    /// ```
    /// use lunar::{MetaMethod, UserData, UserDataMethods, Value, Variadic};
    /// struct Range(i64);
    /// impl UserData for Range {
    ///     fn add_methods(m: &mut UserDataMethods<Self>) {
    ///         m.add_meta_method(MetaMethod::Pairs, |cx, r, ()| {
    ///             let n = r.0;
    ///             let next = cx.create_function(move |_, (_, i): (Value, i64)| {
    ///                 Ok(Variadic(if i < n { vec![i + 1, (i + 1) * 10] } else { vec![] }))
    ///             });
    ///             Ok((next, Value::Nil, 0))
    ///         });
    ///     }
    /// }
    /// let mut state = lunar::State::new();
    /// state.set_global("r", Range(3)).unwrap();
    /// let sum: i64 = state.exec("t.lua", "local s = 0 for i, v in pairs(r) do s = s + v end return s").unwrap();
    /// assert_eq!(sum, 60);
    /// ```
    Pairs,
}

impl MetaMethod {
    /// The metatable key (`"__add"`...).
    ///
    /// ```
    /// assert_eq!(lunar::MetaMethod::Close.name(), "__close");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            MetaMethod::Add => "__add",
            MetaMethod::Sub => "__sub",
            MetaMethod::Mul => "__mul",
            MetaMethod::Div => "__div",
            MetaMethod::Mod => "__mod",
            MetaMethod::Pow => "__pow",
            MetaMethod::Unm => "__unm",
            MetaMethod::IDiv => "__idiv",
            MetaMethod::BAnd => "__band",
            MetaMethod::BOr => "__bor",
            MetaMethod::BXor => "__bxor",
            MetaMethod::BNot => "__bnot",
            MetaMethod::Shl => "__shl",
            MetaMethod::Shr => "__shr",
            MetaMethod::Concat => "__concat",
            MetaMethod::Len => "__len",
            MetaMethod::Eq => "__eq",
            MetaMethod::Lt => "__lt",
            MetaMethod::Le => "__le",
            MetaMethod::Index => "__index",
            MetaMethod::NewIndex => "__newindex",
            MetaMethod::Call => "__call",
            MetaMethod::ToString => "__tostring",
            MetaMethod::Close => "__close",
            MetaMethod::Pairs => "__pairs",
        }
    }
}

/// A method, field accessor or metamethod as the metatable calls it: the
/// context, the type's metatable (to check `self`), and the number of
/// arguments of the running native function, which stay on its stack
/// (`cx.vm.arg(i)`); it pushes its results there and says how many. No
/// list is made for either, so a call with a few numbers allocates
/// nothing.
type Callback = Arc<dyn Fn(&mut Ctx<'_>, &Root, usize) -> Result<usize> + Send + Sync>;

/// What a type's `add_methods` and `add_fields` declare.
#[derive(Default)]
struct Registry {
    methods: Vec<(String, Callback)>,
    meta: Vec<(MetaMethod, Callback)>,
    getters: Vec<(String, Callback)>,
    setters: Vec<(String, Callback)>,
}

/// The methods and metamethods of a [`UserData`] type, as its
/// `add_methods` declares them.
///
/// A method's `self` is its first argument (`u:m(x)` is `u.m(u, x)`); a
/// call on anything else fails as `luaL_checkudata` fails: `bad argument
/// #1 to 'm' (Counter expected, got table)`. Its other arguments convert
/// to `A` (a tuple for several), counted from #2 in errors.
///
/// ```
/// use lunar::{UserData, UserDataMethods};
/// struct Greeter(String);
/// impl UserData for Greeter {
///     fn add_methods(m: &mut UserDataMethods<Self>) {
///         m.add_method("greet", |_, g, who: String| Ok(format!("{} {who}", g.0)));
///     }
/// }
/// let mut state = lunar::State::new();
/// state.set_global("g", Greeter("hello".into())).unwrap();
/// let s: String = state.exec("t.lua", "return g:greet('moon')").unwrap();
/// assert_eq!(s, "hello moon");
/// let err = state.exec::<()>("t.lua", "return g.greet({}, 'x')").unwrap_err();
/// assert_eq!(err.message(), "t.lua:1: bad argument #1 to 'greet' (Greeter expected, got table)");
/// ```
pub struct UserDataMethods<T> {
    reg: Registry,
    _type: PhantomData<fn(T)>,
}

/// The fields of a [`UserData`] type, as its `add_fields` declares them:
/// `u.name` calls the getter, `u.name = v` the setter.
///
/// ```
/// use lunar::{UserData, UserDataFields};
/// struct Point { x: f64 }
/// impl UserData for Point {
///     fn add_fields(f: &mut UserDataFields<Self>) {
///         f.add_field_method_get("x", |_, p| Ok(p.x));
///         f.add_field_method_set("x", |_, p, x: f64| { p.x = x; Ok(()) });
///         f.add_field("kind", "point");
///     }
/// }
/// let mut state = lunar::State::new();
/// state.set_global("p", Point { x: 1.0 }).unwrap();
/// let (x, kind): (f64, String) = state.exec("t.lua", "p.x = p.x + 1 return p.x, p.kind").unwrap();
/// assert_eq!((x, kind.as_str()), (2.0, "point"));
/// ```
pub struct UserDataFields<T> {
    reg: Registry,
    _type: PhantomData<fn(T)>,
}

/// The short name of a Rust type, as `__name` and error messages show
/// it: `app::model::Counter<u8>` is `Counter`.
fn short_name<T: ?Sized>() -> &'static str {
    let full = std::any::type_name::<T>();
    let base = full.split('<').next().unwrap_or(full);
    base.rsplit("::").next().unwrap_or(base)
}

/// What Lua values stand in the data cell after [`AnyUserData::take`].
struct Taken;

fn already_borrowed() -> Error {
    Error::runtime("userdata already borrowed")
}

fn taken_error() -> Error {
    Error::runtime("userdata has been taken")
}

/// `self` of a method: argument 1 of the `n`, which must be a userdata
/// with the type's metatable. The call that runs the method keeps it
/// alive ([`call_bound`] holds it in its type's [`Anchors`]).
fn check_self<T: 'static>(cx: &mut Ctx<'_>, mt: &Root, n: usize) -> Result<Gc<lunar_vm::UserData>> {
    let raw = stack_arg(cx, 1, n);
    if let Raw::UserData(u) = raw
        && let (Some(m), Some(Raw::Table(want))) = (u.metatable.get(), cx.vm.rooted(mt))
        && m.ptr_eq(want)
    {
        return Ok(u);
    }
    Err(not_self::<T>(raw, n))
}

/// The error for a `self` that is not a `T` (out of line: the rare way).
#[cold]
#[inline(never)]
fn not_self<T: 'static>(raw: Raw, n: usize) -> Error {
    let got = if n == 0 { "no value" } else { raw.type_name() };
    Error::conversion(got, short_name::<T>(), None).bad_argument(1)
}

/// Runs `f` on `self` borrowed shared.
fn with_ref<T: 'static, R>(
    cx: &mut Ctx<'_>,
    u: Gc<lunar_vm::UserData>,
    f: impl FnOnce(&mut Ctx<'_>, &T) -> Result<R>,
) -> Result<R> {
    let data = u.data.try_borrow().map_err(|_| already_borrowed())?;
    match data.downcast_ref::<T>() {
        Some(t) => f(cx, t),
        None if data.is::<Taken>() => Err(taken_error()),
        None => Err(Error::conversion("userdata", short_name::<T>(), None).bad_argument(1)),
    }
}

/// Runs `f` on `self` borrowed exclusively.
fn with_mut<T: 'static, R>(
    cx: &mut Ctx<'_>,
    u: Gc<lunar_vm::UserData>,
    f: impl FnOnce(&mut Ctx<'_>, &mut T) -> Result<R>,
) -> Result<R> {
    let mut data = u.data.try_borrow_mut().map_err(|_| already_borrowed())?;
    if data.is::<Taken>() {
        return Err(taken_error());
    }
    match data.downcast_mut::<T>() {
        Some(t) => f(cx, t),
        None => Err(Error::conversion("userdata", short_name::<T>(), None).bad_argument(1)),
    }
}

/// A callback that borrows `self` shared and converts the rest of the
/// arguments to `A`.
fn method_ref<T, A, R, F>(f: F) -> Callback
where
    T: 'static,
    A: FromLuaMulti,
    R: IntoLuaMulti,
    F: Fn(&mut Ctx<'_>, &T, A) -> Result<R> + Send + Sync + 'static,
{
    Arc::new(move |cx, mt, n| {
        let u = check_self::<T>(cx, mt, n)?;
        let a = A::from_stack_args(cx, 1, n)?;
        let r = with_ref(cx, u, |cx, t| f(cx, t, a))?;
        r.push_results(cx)
    })
}

/// A callback that borrows `self` exclusively.
fn method_mut<T, A, R, F>(f: F) -> Callback
where
    T: 'static,
    A: FromLuaMulti,
    R: IntoLuaMulti,
    F: Fn(&mut Ctx<'_>, &mut T, A) -> Result<R> + Send + Sync + 'static,
{
    Arc::new(move |cx, mt, n| {
        let u = check_self::<T>(cx, mt, n)?;
        let a = A::from_stack_args(cx, 1, n)?;
        let r = with_mut(cx, u, |cx, t| f(cx, t, a))?;
        r.push_results(cx)
    })
}

/// A callback with no `self`.
fn function<A, R, F>(f: F) -> Callback
where
    A: FromLuaMulti,
    R: IntoLuaMulti,
    F: Fn(&mut Ctx<'_>, A) -> Result<R> + Send + Sync + 'static,
{
    Arc::new(move |cx, _, n| {
        let a = A::from_stack_args(cx, 0, n)?;
        f(cx, a)?.push_results(cx)
    })
}

impl<T: UserData> UserDataMethods<T> {
    /// A method that reads `self`.
    ///
    /// ```
    /// # use lunar::{UserData, UserDataMethods};
    /// struct V(Vec<i64>);
    /// impl UserData for V {
    ///     fn add_methods(m: &mut UserDataMethods<Self>) {
    ///         m.add_method("get", |_, v, i: usize| Ok(v.0.get(i - 1).copied()));
    ///     }
    /// }
    /// let mut state = lunar::State::new();
    /// state.set_global("v", V(vec![7, 8])).unwrap();
    /// assert_eq!(state.exec::<Option<i64>>("t.lua", "return v:get(2)").unwrap(), Some(8));
    /// ```
    pub fn add_method<A, R, F>(&mut self, name: &str, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Ctx<'_>, &T, A) -> Result<R> + Send + Sync + 'static,
    {
        self.reg.methods.push((name.to_string(), method_ref(f)));
    }

    /// A method that changes `self`; while it runs, any other use of the
    /// same value (from Lua code it calls) fails with "userdata already
    /// borrowed".
    ///
    /// ```
    /// # use lunar::{UserData, UserDataMethods};
    /// struct V(Vec<i64>);
    /// impl UserData for V {
    ///     fn add_methods(m: &mut UserDataMethods<Self>) {
    ///         m.add_method_mut("push", |_, v, x: i64| { v.0.push(x); Ok(v.0.len()) });
    ///     }
    /// }
    /// let mut state = lunar::State::new();
    /// state.set_global("v", V(vec![])).unwrap();
    /// assert_eq!(state.exec::<i64>("t.lua", "v:push(1) return v:push(2)").unwrap(), 2);
    /// ```
    pub fn add_method_mut<A, R, F>(&mut self, name: &str, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Ctx<'_>, &mut T, A) -> Result<R> + Send + Sync + 'static,
    {
        self.reg.methods.push((name.to_string(), method_mut(f)));
    }

    /// A function in the method table that takes no `self` (called as
    /// `u.name(...)`, or as `u:name(...)` with `u` its first argument).
    ///
    /// ```
    /// # use lunar::{UserData, UserDataMethods};
    /// struct Unit;
    /// impl UserData for Unit {
    ///     fn add_methods(m: &mut UserDataMethods<Self>) {
    ///         m.add_function("twice", |_, x: i64| Ok(2 * x));
    ///     }
    /// }
    /// let mut state = lunar::State::new();
    /// state.set_global("u", Unit).unwrap();
    /// assert_eq!(state.exec::<i64>("t.lua", "return u.twice(21)").unwrap(), 42);
    /// ```
    pub fn add_function<A, R, F>(&mut self, name: &str, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Ctx<'_>, A) -> Result<R> + Send + Sync + 'static,
    {
        self.reg.methods.push((name.to_string(), function(f)));
    }

    /// A metamethod whose first operand is `self` (for binary operators
    /// where the value may be either operand, use
    /// [`add_meta_function`](Self::add_meta_function)).
    ///
    /// ```
    /// # use lunar::{MetaMethod, UserData, UserDataMethods};
    /// struct Bag(Vec<u8>);
    /// impl UserData for Bag {
    ///     fn add_methods(m: &mut UserDataMethods<Self>) {
    ///         m.add_meta_method(MetaMethod::Len, |_, b, ()| Ok(b.0.len()));
    ///     }
    /// }
    /// let mut state = lunar::State::new();
    /// state.set_global("b", Bag(vec![1, 2, 3])).unwrap();
    /// assert_eq!(state.exec::<i64>("t.lua", "return #b").unwrap(), 3);
    /// ```
    pub fn add_meta_method<A, R, F>(&mut self, meta: MetaMethod, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Ctx<'_>, &T, A) -> Result<R> + Send + Sync + 'static,
    {
        self.reg.meta.push((meta, method_ref(f)));
    }

    /// A metamethod that changes `self` (`__call`, `__close`...).
    ///
    /// ```
    /// # use lunar::{MetaMethod, UserData, UserDataMethods};
    /// struct Acc(i64);
    /// impl UserData for Acc {
    ///     fn add_methods(m: &mut UserDataMethods<Self>) {
    ///         m.add_meta_method_mut(MetaMethod::Call, |_, a, x: i64| { a.0 += x; Ok(a.0) });
    ///     }
    /// }
    /// let mut state = lunar::State::new();
    /// state.set_global("acc", Acc(0)).unwrap();
    /// assert_eq!(state.exec::<i64>("t.lua", "acc(2) return acc(40)").unwrap(), 42);
    /// ```
    pub fn add_meta_method_mut<A, R, F>(&mut self, meta: MetaMethod, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Ctx<'_>, &mut T, A) -> Result<R> + Send + Sync + 'static,
    {
        self.reg.meta.push((meta, method_mut(f)));
    }

    /// A metamethod that takes its operands as they come (`1 + u` passes
    /// the number first).
    ///
    /// ```
    /// # use lunar::{AnyUserData, MetaMethod, UserData, UserDataMethods, Value};
    /// #[derive(Clone)]
    /// struct Money(i64);
    /// impl UserData for Money {
    ///     fn add_methods(m: &mut UserDataMethods<Self>) {
    ///         m.add_meta_function(MetaMethod::Add, |cx, (a, b): (Value, Value)| {
    ///             let cents = |cx: &mut lunar::Ctx<'_>, v: Value| -> lunar::Result<i64> {
    ///                 match v {
    ///                     Value::UserData(u) => u.borrow(cx, |m: &Money| m.0),
    ///                     v => Ok(v.as_integer().unwrap_or(0)),
    ///                 }
    ///             };
    ///             let (a, b) = (cents(cx, a)?, cents(cx, b)?);
    ///             Ok(Money(a + b))
    ///         });
    ///         m.add_method("cents", |_, m, ()| Ok(m.0));
    ///     }
    /// }
    /// let mut state = lunar::State::new();
    /// state.set_global("m", Money(5)).unwrap();
    /// assert_eq!(state.exec::<i64>("t.lua", "return (1 + m + m):cents()").unwrap(), 11);
    /// ```
    pub fn add_meta_function<A, R, F>(&mut self, meta: MetaMethod, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Ctx<'_>, A) -> Result<R> + Send + Sync + 'static,
    {
        self.reg.meta.push((meta, function(f)));
    }
}

impl<T: UserData> UserDataFields<T> {
    /// A field with a fixed value.
    ///
    /// ```
    /// # use lunar::{UserData, UserDataFields};
    /// struct Conn;
    /// impl UserData for Conn {
    ///     fn add_fields(f: &mut UserDataFields<Self>) { f.add_field("version", 3); }
    /// }
    /// let mut state = lunar::State::new();
    /// state.set_global("c", Conn).unwrap();
    /// assert_eq!(state.exec::<i64>("t.lua", "return c.version").unwrap(), 3);
    /// ```
    pub fn add_field<V>(&mut self, name: &str, value: V)
    where
        V: IntoLua + Clone + Send + Sync + 'static,
    {
        let cb: Callback = Arc::new(move |cx, _, _| value.clone().push_results(cx));
        self.reg.getters.push((name.to_string(), cb));
    }

    /// A field read by a getter (`u.name`).
    ///
    /// ```
    /// # use lunar::{UserData, UserDataFields};
    /// struct File { size: u64 }
    /// impl UserData for File {
    ///     fn add_fields(f: &mut UserDataFields<Self>) {
    ///         f.add_field_method_get("size", |_, file| Ok(file.size));
    ///     }
    /// }
    /// let mut state = lunar::State::new();
    /// state.set_global("f", File { size: 10 }).unwrap();
    /// assert_eq!(state.exec::<u64>("t.lua", "return f.size").unwrap(), 10);
    /// ```
    pub fn add_field_method_get<R, F>(&mut self, name: &str, f: F)
    where
        R: IntoLua,
        F: Fn(&mut Ctx<'_>, &T) -> Result<R> + Send + Sync + 'static,
    {
        let cb = method_ref(move |cx: &mut Ctx<'_>, t: &T, (): ()| f(cx, t));
        self.reg.getters.push((name.to_string(), cb));
    }

    /// A field written by a setter (`u.name = v`).
    ///
    /// ```
    /// # use lunar::{UserData, UserDataFields};
    /// struct Cfg { retries: u8 }
    /// impl UserData for Cfg {
    ///     fn add_fields(f: &mut UserDataFields<Self>) {
    ///         f.add_field_method_get("retries", |_, c| Ok(c.retries));
    ///         f.add_field_method_set("retries", |_, c, n: u8| { c.retries = n; Ok(()) });
    ///     }
    /// }
    /// let mut state = lunar::State::new();
    /// state.set_global("cfg", Cfg { retries: 1 }).unwrap();
    /// assert_eq!(state.exec::<u8>("t.lua", "cfg.retries = 5 return cfg.retries").unwrap(), 5);
    /// ```
    pub fn add_field_method_set<A, F>(&mut self, name: &str, f: F)
    where
        A: FromLua,
        F: Fn(&mut Ctx<'_>, &mut T, A) -> Result<()> + Send + Sync + 'static,
    {
        // The value is argument 3 of `__newindex(u, key, value)`.
        let cb: Callback = Arc::new(move |cx, mt, n| {
            let u = check_self::<T>(cx, mt, n)?;
            let a = A::from_vm_value(stack_arg(cx, 3, n), cx).map_err(|e| e.bad_argument(3))?;
            with_mut(cx, u, |cx, t| f(cx, t, a))?;
            Ok(0)
        });
        self.reg.setters.push((name.to_string(), cb));
    }
}

/// The registry key of type `T`'s metatable.
fn registry_key<T: 'static>() -> String {
    format!(
        "lunar.UserData {:?} {}",
        TypeId::of::<T>(),
        std::any::type_name::<T>()
    )
}

/// Where the `self` of a type's methods under way is kept alive: slots
/// `1..=depth` of a table made with the type's metatable (shared by its
/// methods, as their calls nest).
///
/// A method borrows the data of its `self` while it runs, and the
/// argument slot alone does not keep `self` alive: Lua code the method
/// calls can overwrite that slot (`debug.setlocal` reaches a native
/// frame's slots) and collect garbage. A slot of this table holds it
/// instead of a root, which would be an allocation per call.
struct Anchors {
    table: Root,
    /// How many slots are in use. Atomic only so that the methods' host
    /// data may share it (it must be `Send`): a state runs on one thread
    /// at a time, so relaxed order is enough.
    depth: AtomicUsize,
}

impl Anchors {
    /// Keeps `v` alive until [`release`](Self::release) goes back to the
    /// depth this returns.
    fn hold(&self, vm: &mut lunar_vm::State, v: Raw) -> usize {
        let depth = self.depth.fetch_add(1, Ordering::Relaxed);
        if let Some(Raw::Table(t)) = vm.rooted(&self.table) {
            // An integer key never fails.
            let _ = t.set(vm.heap(), Raw::Int(depth as i64 + 1), v);
        }
        depth
    }

    /// Lets go of what was held since [`hold`](Self::hold) returned
    /// `depth` (all of it, so that a method that failed or panicked
    /// leaves nothing held).
    fn release(&self, vm: &mut lunar_vm::State, depth: usize) {
        let top = self.depth.swap(depth, Ordering::Relaxed);
        if let Some(Raw::Table(t)) = vm.rooted(&self.table) {
            for k in depth + 1..=top {
                let _ = t.set(vm.heap(), Raw::Int(k as i64), Raw::Nil);
            }
        }
    }
}

/// A callback bound to its type's metatable: the host data of the native
/// function [`bind`] makes.
struct Bound {
    mt: Root,
    anchors: Arc<Anchors>,
    cb: Callback,
}

/// Makes `cb` a Lua function bound to the metatable `mt`: a native
/// function whose host data is the callback (as `create_function` makes
/// them), run by [`call_bound`].
fn bind(cx: &mut Ctx<'_>, mt: &Root, anchors: &Arc<Anchors>, cb: Callback) -> Function {
    let vm = &mut *cx.vm;
    let data = Bound {
        mt: mt.clone(),
        anchors: anchors.clone(),
        cb,
    };
    let fv = vm.new_native_with_data(call_bound, Box::new(data));
    Function(vm.root(fv))
}

/// The native function behind every method, field accessor and
/// metamethod: runs its callback on the arguments where they are, with
/// panics caught and argument 1 (`self`, when it is a userdata) kept
/// alive while the callback borrows its data; raises its error.
fn call_bound(vm: &mut lunar_vm::State) -> std::result::Result<usize, lunar_vm::Error> {
    let n = vm.arg_count();
    let this = if n >= 1 { vm.arg(1) } else { Raw::Nil };
    let r = vm.with_native_data(|vm, b: &Bound| {
        let held = matches!(this, Raw::UserData(_)).then(|| b.anchors.hold(vm, this));
        let r = crate::host::catch_panic(vm, |cx| (b.cb)(cx, &b.mt, n));
        if let Some(depth) = held {
            b.anchors.release(vm, depth);
        }
        r
    });
    match r {
        Some(Ok(k)) => Ok(k),
        Some(Err(e)) => Err(crate::host::raise_from_rust(vm, e)),
        None => Err(vm.error_str("lunar: not a userdata method")),
    }
}

/// The metatable of type `T` in this state: the one the state's host
/// data remembers for the type, else the registry's, else built and
/// stored in both. The host data's list is what a new value of the type
/// looks at: no registry key to format and hash, no handle to make (each
/// an allocation), for a Rust function that returns a new userdata on
/// every call.
fn metatable<T: UserData>(cx: &mut Ctx<'_>) -> Result<Gc<lunar_vm::Table>> {
    let id = TypeId::of::<T>();
    let known = crate::host::host_data(cx.vm)
        .userdata_metatables
        .iter()
        .find(|(t, _)| *t == id)
        .map(|(_, mt)| mt.clone());
    if let Some(mt) = known
        && let Some(Raw::Table(t)) = cx.vm.rooted(&mt)
    {
        return Ok(t);
    }
    let mt = metatable_root::<T>(cx)?;
    let Raw::Table(t) = raw_of(cx.vm, &mt)? else {
        unreachable!("a userdata metatable is a table")
    };
    crate::host::host_data(cx.vm)
        .userdata_metatables
        .push((id, mt));
    Ok(t)
}

/// [`metatable`] from the registry, or built and stored there.
fn metatable_root<T: UserData>(cx: &mut Ctx<'_>) -> Result<Root> {
    let key = registry_key::<T>();
    let reg = cx.vm.registry();
    if let Raw::Table(mt) = cx.vm.get_field(reg, &key) {
        return Ok(cx.vm.root(Raw::Table(mt)));
    }
    let mut methods = UserDataMethods::<T> {
        reg: Registry::default(),
        _type: PhantomData,
    };
    T::add_methods(&mut methods);
    let mut fields = UserDataFields::<T> {
        reg: methods.reg,
        _type: PhantomData,
    };
    T::add_fields(&mut fields);
    let decl = fields.reg;

    let mt_table = cx.create_table();
    let mt = mt_table.0.clone();
    mt_table.raw_set(cx, "__name", short_name::<T>())?;

    let anchors = Arc::new(Anchors {
        table: cx.create_table_with_capacity(4, 0).0,
        depth: AtomicUsize::new(0),
    });
    let has_methods = !decl.methods.is_empty();
    let method_table = cx.create_table_with_capacity(0, decl.methods.len());
    for (name, cb) in decl.methods {
        let f = bind(cx, &mt, &anchors, cb);
        method_table.raw_set(cx, name.as_str(), f)?;
    }
    let mut index = None;
    let mut newindex = None;
    for (meta, cb) in decl.meta {
        match meta {
            MetaMethod::Index => index = Some(cb),
            MetaMethod::NewIndex => newindex = Some(cb),
            _ => {
                let f = bind(cx, &mt, &anchors, cb);
                mt_table.raw_set(cx, meta.name(), f)?;
            }
        }
    }

    if decl.getters.is_empty() && index.is_none() {
        if has_methods {
            mt_table.raw_set(cx, "__index", method_table)?;
        }
    } else {
        let getters = Fields::new(cx, decl.getters)?;
        let f = bind(
            cx,
            &mt,
            &anchors,
            Arc::new(move |cx, mt, n| index_dispatch(cx, mt, n, &method_table, &getters, &index)),
        );
        mt_table.raw_set(cx, "__index", f)?;
    }

    if !decl.setters.is_empty() || newindex.is_some() {
        let setters = Fields::new(cx, decl.setters)?;
        let name = short_name::<T>();
        let f = bind(
            cx,
            &mt,
            &anchors,
            Arc::new(move |cx, mt, n| newindex_dispatch(cx, mt, n, &setters, &newindex, name)),
        );
        mt_table.raw_set(cx, "__newindex", f)?;
    }

    let raw = crate::value::raw_of(cx.vm, &mt)?;
    cx.vm.set_field(reg, &key, raw);
    Ok(mt)
}

/// The getters or setters of a type's fields: a Lua table from each name
/// to its callback's index, so that finding one is a lookup of the Lua
/// string the script used (its hash is already made), with no Rust string
/// hashed per access.
struct Fields {
    names: Table,
    callbacks: Vec<Callback>,
}

impl Fields {
    fn new(cx: &mut Ctx<'_>, decl: Vec<(String, Callback)>) -> Result<Fields> {
        let names = cx.create_table_with_capacity(0, decl.len());
        let mut callbacks = Vec::with_capacity(decl.len());
        for (name, cb) in decl {
            // A name declared twice: the last one holds, as before.
            names.raw_set(cx, name.as_str(), callbacks.len())?;
            callbacks.push(cb);
        }
        Ok(Fields { names, callbacks })
    }

    /// The callback of field `key`, if any.
    fn find(&self, cx: &Ctx<'_>, key: lunar_vm::LuaStr) -> Result<Option<&Callback>> {
        let Raw::Table(t) = raw_of(cx.vm, &self.names.0)? else {
            unreachable!("a Table handle holds a table")
        };
        Ok(match t.get(Raw::Str(key)) {
            Raw::Int(i) => self.callbacks.get(i as usize),
            _ => None,
        })
    }
}

/// `__index` of a type with fields or an `Index` metamethod: a method,
/// else a field's getter, else the type's `Index` metamethod, else nil.
fn index_dispatch(
    cx: &mut Ctx<'_>,
    mt: &Root,
    n: usize,
    methods: &Table,
    getters: &Fields,
    fallback: &Option<Callback>,
) -> Result<usize> {
    // The key is read where it is, on the stack: no handle for it.
    if let Raw::Str(s) = stack_arg(cx, 2, n) {
        let Raw::Table(t) = raw_of(cx.vm, &methods.0)? else {
            unreachable!("a Table handle holds a table")
        };
        let m = t.get(Raw::Str(s));
        if !m.is_nil() {
            cx.vm.push(m);
            return Ok(1);
        }
        if let Some(get) = getters.find(cx, s)? {
            return get(cx, mt, n);
        }
    }
    match fallback {
        Some(f) => f(cx, mt, n),
        None => {
            cx.vm.push(Raw::Nil);
            Ok(1)
        }
    }
}

/// `__newindex` of a type with setters or a `NewIndex` metamethod.
fn newindex_dispatch(
    cx: &mut Ctx<'_>,
    mt: &Root,
    n: usize,
    setters: &Fields,
    fallback: &Option<Callback>,
    type_name: &str,
) -> Result<usize> {
    // A setter reads `self` and the value (arguments 1 and 3) where they
    // are; the key is read on the stack too.
    let key = stack_arg(cx, 2, n);
    if let Raw::Str(s) = key
        && let Some(set) = setters.find(cx, s)?
    {
        return set(cx, mt, n);
    }
    match fallback {
        Some(f) => f(cx, mt, n),
        None => {
            let what = match key {
                Raw::Str(s) => format!("'{}'", s.to_str_lossy()),
                v => format!("of type {}", v.type_name()),
            };
            Err(Error::runtime(format!(
                "attempt to set unknown field {what} of {type_name}"
            )))
        }
    }
}

impl Ctx<'_> {
    /// Moves `data` into a new userdata of its type (see [`UserData`]);
    /// Lua owns it from then on, and it is dropped when collected.
    ///
    /// ```
    /// # use lunar::{UserData, UserDataMethods};
    /// struct Token(String);
    /// impl UserData for Token {
    ///     fn add_methods(m: &mut UserDataMethods<Self>) {
    ///         m.add_method("len", |_, t, ()| Ok(t.0.len()));
    ///     }
    /// }
    /// let mut state = lunar::State::new();
    /// let mut cx = state.ctx();
    /// let u = cx.create_userdata(Token("abc".into())).unwrap();
    /// cx.set_global("tok", u.clone()).unwrap();
    /// assert_eq!(state.exec::<i64>("t.lua", "return tok:len()").unwrap(), 3);
    /// assert_eq!(u.borrow(&mut state, |t: &Token| t.0.clone()).unwrap(), "abc");
    /// ```
    pub fn create_userdata<T: UserData>(&mut self, data: T) -> Result<AnyUserData> {
        let ud = self.new_userdata_raw(data)?;
        Ok(AnyUserData(self.vm.root(ud)))
    }

    /// [`Ctx::create_userdata`]'s userdata, not rooted: alive until Lua
    /// code next runs.
    fn new_userdata_raw<T: UserData>(&mut self, data: T) -> Result<Raw> {
        let mt = metatable::<T>(self)?;
        let ud = self.vm.new_userdata(Box::new(data));
        if let Raw::UserData(u) = ud {
            u.metatable.set(Some(mt));
        }
        Ok(ud)
    }
}

impl State {
    /// [`Ctx::create_userdata`] on this state.
    ///
    /// ```
    /// # use lunar::UserData;
    /// struct Secret(u32);
    /// impl UserData for Secret {}
    /// let mut state = lunar::State::new();
    /// let u = state.create_userdata(Secret(7)).unwrap();
    /// assert!(u.is::<Secret>(&mut state));
    /// assert_eq!(u.take::<Secret>(&mut state).unwrap().0, 7);
    /// ```
    pub fn create_userdata<T: UserData>(&mut self, data: T) -> Result<AnyUserData> {
        self.ctx().create_userdata(data)
    }
}

/// Why the host could not reach a userdata's data.
enum Access {
    Borrowed,
    Taken,
    /// Another type; the `__name` (or type) of what is there.
    Other(String),
}

impl Access {
    /// The error for the host: `Usage` for a borrow conflict, as the
    /// embedding API words misuse; a conversion error for another type.
    fn host_error<T>(self) -> Error {
        match self {
            Access::Borrowed => Error::new(ErrorKind::Usage, "userdata already borrowed"),
            Access::Taken => Error::new(ErrorKind::Usage, "userdata has been taken"),
            Access::Other(got) => Error::conversion(&got, short_name::<T>(), None),
        }
    }
}

impl AnyUserData {
    fn raw_ud(&self, cx: &Ctx<'_>) -> Result<Gc<lunar_vm::UserData>> {
        match raw_of(cx.vm, &self.0)? {
            Raw::UserData(u) => Ok(u),
            _ => unreachable!("an AnyUserData handle holds a userdata"),
        }
    }

    /// The name of what the userdata holds, for errors.
    fn got(cx: &mut Ctx<'_>, u: Gc<lunar_vm::UserData>) -> String {
        match u.metatable.get().map(|mt| cx.vm.get_field(mt, "__name")) {
            Some(Raw::Str(s)) => s.to_str_lossy().into_owned(),
            _ => "userdata".to_string(),
        }
    }

    fn access_ref<T: 'static, R>(
        &self,
        cx: &mut Ctx<'_>,
        f: impl FnOnce(&T) -> R,
    ) -> Result<std::result::Result<R, Access>> {
        let u = self.raw_ud(cx)?;
        let Ok(data) = u.data.try_borrow() else {
            return Ok(Err(Access::Borrowed));
        };
        Ok(match data.downcast_ref::<T>() {
            Some(t) => Ok(f(t)),
            None if data.is::<Taken>() => Err(Access::Taken),
            None => {
                drop(data);
                Err(Access::Other(Self::got(cx, u)))
            }
        })
    }

    /// Runs `f` on the data borrowed shared; fails when it is not a `T`
    /// or is borrowed exclusively (a method taking `&mut self` is
    /// running).
    ///
    /// ```
    /// # use lunar::UserData;
    /// struct Hits(u32);
    /// impl UserData for Hits {}
    /// let mut state = lunar::State::new();
    /// state.set_global("h", Hits(3)).unwrap();
    /// let h: lunar::AnyUserData = state.get_global("h").unwrap();
    /// assert_eq!(h.borrow(&mut state, |h: &Hits| h.0).unwrap(), 3);
    /// let err = h.borrow(&mut state, |s: &String| s.len()).unwrap_err();
    /// assert_eq!(err.message(), "String expected, got Hits");
    /// ```
    pub fn borrow<T: 'static, R>(&self, lua: &mut impl Lua, f: impl FnOnce(&T) -> R) -> Result<R> {
        let mut cx = lua.ctx();
        self.access_ref(&mut cx, f)?
            .map_err(Access::host_error::<T>)
    }

    /// Runs `f` on the data borrowed exclusively; fails when it is not a
    /// `T` or is borrowed.
    ///
    /// ```
    /// # use lunar::UserData;
    /// struct Hits(u32);
    /// impl UserData for Hits {}
    /// let mut state = lunar::State::new();
    /// let h = state.create_userdata(Hits(3)).unwrap();
    /// h.borrow_mut(&mut state, |h: &mut Hits| h.0 += 1).unwrap();
    /// assert_eq!(h.borrow(&mut state, |h: &Hits| h.0).unwrap(), 4);
    /// ```
    pub fn borrow_mut<T: 'static, R>(
        &self,
        lua: &mut impl Lua,
        f: impl FnOnce(&mut T) -> R,
    ) -> Result<R> {
        let mut cx = lua.ctx();
        let u = self.raw_ud(&cx)?;
        let Ok(mut data) = u.data.try_borrow_mut() else {
            return Err(Access::Borrowed.host_error::<T>());
        };
        if let Some(t) = data.downcast_mut::<T>() {
            return Ok(f(t));
        }
        let taken = data.is::<Taken>();
        drop(data);
        Err(if taken {
            Access::Taken.host_error::<T>()
        } else {
            Access::Other(Self::got(&mut cx, u)).host_error::<T>()
        })
    }

    /// Takes the data out: the userdata stays in Lua, but every later use
    /// of its methods fails with "userdata has been taken".
    ///
    /// ```
    /// # use lunar::{UserData, UserDataMethods};
    /// struct Job(String);
    /// impl UserData for Job {
    ///     fn add_methods(m: &mut UserDataMethods<Self>) {
    ///         m.add_method("name", |_, j, ()| Ok(j.0.clone()));
    ///     }
    /// }
    /// let mut state = lunar::State::new();
    /// let job = state.create_userdata(Job("build".into())).unwrap();
    /// state.set_global("job", job.clone()).unwrap();
    /// assert_eq!(job.take::<Job>(&mut state).unwrap().0, "build");
    /// let err = state.exec::<()>("t.lua", "job:name()").unwrap_err();
    /// assert_eq!(err.message(), "t.lua:1: userdata has been taken");
    /// ```
    pub fn take<T: 'static>(&self, lua: &mut impl Lua) -> Result<T> {
        let mut cx = lua.ctx();
        let u = self.raw_ud(&cx)?;
        let Ok(mut data) = u.data.try_borrow_mut() else {
            return Err(Access::Borrowed.host_error::<T>());
        };
        if data.is::<T>() {
            let old = std::mem::replace(&mut *data, Box::new(Taken));
            return match old.downcast::<T>() {
                Ok(t) => Ok(*t),
                Err(_) => unreachable!("the type was just checked"),
            };
        }
        let taken = data.is::<Taken>();
        drop(data);
        Err(if taken {
            Access::Taken.host_error::<T>()
        } else {
            Access::Other(Self::got(&mut cx, u)).host_error::<T>()
        })
    }

    /// Whether the userdata holds a `T` (not taken). A `T` borrowed
    /// exclusively right now counts as one.
    ///
    /// ```
    /// # use lunar::UserData;
    /// struct A; impl UserData for A {}
    /// struct B; impl UserData for B {}
    /// let mut state = lunar::State::new();
    /// let a = state.create_userdata(A).unwrap();
    /// assert!(a.is::<A>(&mut state) && !a.is::<B>(&mut state));
    /// ```
    pub fn is<T: 'static>(&self, lua: &mut impl Lua) -> bool {
        let cx = lua.ctx();
        let Ok(u) = self.raw_ud(&cx) else {
            return false;
        };
        match u.data.try_borrow() {
            Ok(data) => data.is::<T>(),
            // Borrowed exclusively: some method of the value's type is
            // running; the metatable tells which type that is.
            Err(_) => {
                let reg = cx.vm.registry();
                let key = registry_key::<T>();
                match (cx.vm.get_field(reg, &key), u.metatable.get()) {
                    (Raw::Table(want), Some(mt)) => want.ptr_eq(mt),
                    _ => false,
                }
            }
        }
    }
}

impl<T: UserData> IntoLua for T {
    /// A new userdata holding the value.
    fn into_lua(self, cx: &mut Ctx<'_>) -> Result<Value> {
        cx.create_userdata(self).map(Value::UserData)
    }
    /// The new userdata with no handle: a Rust function returning a new
    /// value allocates only its data's box and the userdata itself.
    fn into_vm_value(self, cx: &mut Ctx<'_>) -> Result<Raw> {
        cx.new_userdata_raw(self)
    }
    /// Building the type's metatable (the first time) runs no Lua code.
    fn runs_lua(&self) -> bool {
        false
    }
}

impl<T: UserData + Clone> FromLua for T {
    /// A clone of the data of a userdata of type `T`.
    fn from_lua(value: Value, cx: &mut Ctx<'_>) -> Result<T> {
        let Value::UserData(u) = value else {
            let got = match &value {
                Value::LightUserData(_) => "light userdata",
                v => v.type_name(),
            };
            return Err(Error::conversion(got, short_name::<T>(), None));
        };
        match u.access_ref(cx, T::clone)? {
            Ok(t) => Ok(t),
            Err(Access::Borrowed) => Err(already_borrowed()),
            Err(Access::Taken) => Err(taken_error()),
            Err(Access::Other(got)) => Err(Error::conversion(&got, short_name::<T>(), None)),
        }
    }
}

#[cfg(test)]
mod tests {
    //! The methods' own paths: arguments read on the stack, `self` kept
    //! alive while its data is borrowed.
    use crate::{Function, State, UserData, UserDataMethods};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// How many `Held` values were dropped.
    static DROPPED: AtomicUsize = AtomicUsize::new(0);

    struct Held;

    impl Drop for Held {
        fn drop(&mut self) {
            DROPPED.fetch_add(1, Ordering::SeqCst);
        }
    }

    impl UserData for Held {
        fn add_methods(m: &mut UserDataMethods<Self>) {
            // Calls `f` while `self` is borrowed, then says whether `self`
            // was dropped meanwhile.
            m.add_method("call", |cx, _, f: Function| {
                cx.call::<_, ()>(&f, ())?;
                Ok(DROPPED.load(Ordering::SeqCst))
            });
        }
    }

    #[test]
    fn self_stays_alive_while_a_method_borrows_it() {
        let mut state = State::new();
        state.register("make", |_, ()| Ok(Held)).unwrap();
        // The userdata lives only in the method's argument slot, which
        // the callback clears (`debug.setlocal` reaches a native frame's
        // slots) before collecting: only the method's own anchor keeps it.
        let dropped_inside: usize = state
            .exec(
                "t.lua",
                "return make():call(function() debug.setlocal(2, 1, nil) collectgarbage() collectgarbage() end)",
            )
            .unwrap();
        assert_eq!(dropped_inside, 0, "self was collected while borrowed");
        // Once the method is over, nothing keeps it.
        state
            .exec::<()>("t.lua", "collectgarbage() collectgarbage()")
            .unwrap();
        assert_eq!(DROPPED.load(Ordering::SeqCst), 1, "the anchor let it go");
    }

    #[test]
    fn argument_errors_count_self() {
        struct Calc;
        impl UserData for Calc {
            fn add_methods(m: &mut UserDataMethods<Self>) {
                m.add_method("add", |_, _, (a, b): (i64, i64)| Ok(a + b));
            }
        }
        let mut state = State::new();
        state.set_global("c", Calc).unwrap();
        assert_eq!(
            state.exec::<i64>("t.lua", "return c:add(40, 2)").unwrap(),
            42
        );
        let e = state.exec::<()>("t.lua", "c:add(1)").unwrap_err();
        assert_eq!(
            e.message(),
            "t.lua:1: bad argument #2 to 'add' (number expected, got no value)"
        );
        let e = state.exec::<()>("t.lua", "c:add({}, 1)").unwrap_err();
        assert_eq!(
            e.message(),
            "t.lua:1: bad argument #1 to 'add' (number expected, got table)"
        );
        let e = state.exec::<()>("t.lua", "c.add()").unwrap_err();
        assert_eq!(
            e.message(),
            "t.lua:1: bad argument #1 to 'add' (Calc expected, got no value)"
        );
    }
}
