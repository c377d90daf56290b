//! Tab completion in the interactive loop: the name before the cursor is
//! completed from the globals and keywords (`pri` → `print`), or, after
//! `.` or `:`, from the fields of the value named before it, its
//! metatable's `__index` tables included (`string.fo` → `string.format`,
//! `s:up` → `s:upper` when `s` is a string). Values are looked up with raw
//! accesses only: no metamethod, no Lua code runs while completing.

use lunar::raw::{Gc, State, Table, Value};

/// The reserved words, sorted.
const KEYWORDS: &[&str] = &[
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
];

/// How deep `__index` chains are followed.
const MAX_INDEX_DEPTH: usize = 8;

/// What completion reads of a state, taken just before a prompt: the
/// globals table and the metatables of the basic types.
///
/// The handles are valid while the state is alive and no Lua code runs
/// (no collection can happen then): the loop takes a new snapshot before
/// each prompt and uses it only while the line editor waits for input.
#[derive(Clone, Copy)]
pub struct Snapshot {
    globals: Gc<Table>,
    string_mt: Option<Gc<Table>>,
    number_mt: Option<Gc<Table>>,
    boolean_mt: Option<Gc<Table>>,
}

impl Snapshot {
    /// Takes the handles completion needs from `state`.
    pub fn take(state: &mut State) -> Snapshot {
        let empty = state.str_value(b"");
        Snapshot {
            globals: state.globals(),
            string_mt: state.metatable_of(empty),
            number_mt: state.metatable_of(Value::Int(0)),
            boolean_mt: state.metatable_of(Value::Bool(false)),
        }
    }

    /// The metatable of `v`, raw.
    fn metatable(&self, v: Value) -> Option<Gc<Table>> {
        match v {
            Value::Table(t) => t.metatable(),
            Value::UserData(u) => u.metatable.get(),
            Value::Str(_) => self.string_mt,
            Value::Int(_) | Value::Float(_) => self.number_mt,
            Value::Bool(_) => self.boolean_mt,
            _ => None,
        }
    }

    /// The value of a dotted name (`string`, `a.b.c`) from the globals,
    /// with raw accesses; `None` when some part is missing or nil.
    fn lookup(&self, path: &str) -> Option<Value> {
        let mut v = Value::Table(self.globals);
        for name in path.split('.') {
            let Value::Table(t) = v else { return None };
            if name.is_empty() {
                return None;
            }
            v = field(t, name.as_bytes())?;
        }
        Some(v)
    }

    /// The string keys of `v` that are names, and those of the tables its
    /// metatables give as `__index`.
    fn field_names(&self, v: Value) -> Vec<String> {
        let mut names = Vec::new();
        let mut v = v;
        for _ in 0..MAX_INDEX_DEPTH {
            if let Value::Table(t) = v {
                let mut k = Value::Nil;
                while let Ok(Some((nk, _))) = t.next(k) {
                    k = nk;
                    if let Value::Str(s) = nk
                        && let Ok(name) = std::str::from_utf8(s.as_bytes())
                        && is_name(name)
                    {
                        names.push(name.to_string());
                    }
                }
            }
            let Some(mt) = self.metatable(v) else { break };
            match field(mt, b"__index") {
                Some(next) => v = next,
                None => break,
            }
        }
        names
    }
}

/// The value of the string key `name` in `t` (raw), or `None` when absent.
/// A traversal, as the snapshot cannot intern strings to look them up.
fn field(t: Gc<Table>, name: &[u8]) -> Option<Value> {
    let mut k = Value::Nil;
    while let Ok(Some((nk, nv))) = t.next(k) {
        if let Value::Str(s) = nk
            && s.as_bytes() == name
        {
            return (!nv.is_nil()).then_some(nv);
        }
        k = nk;
    }
    None
}

/// Completes the word that ends at byte `pos` of `line`: returns where the
/// word starts and the words that may replace it, sorted, without
/// duplicates (none when nothing fits).
pub fn complete(snap: &Snapshot, line: &str, pos: usize) -> (usize, Vec<String>) {
    let pos = pos.min(line.len());
    let before = &line.as_bytes()[..pos];
    let start = before
        .iter()
        .rposition(|&c| !is_word_byte(c))
        .map_or(0, |i| i + 1);
    // The word is ASCII: it is made of word bytes only.
    let word = &line[start..pos];
    if word.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return (pos, Vec::new()); // a number
    }
    let (prefix, base, candidates) = match word.rfind(['.', ':']) {
        Some(i) => {
            let path = &word[..i];
            if path.contains(':') {
                return (pos, Vec::new());
            }
            let Some(v) = snap.lookup(path) else {
                return (pos, Vec::new());
            };
            (&word[i + 1..], &word[..=i], snap.field_names(v))
        }
        None => {
            let mut c = snap.field_names(Value::Table(snap.globals));
            c.extend(KEYWORDS.iter().map(|k| k.to_string()));
            (word, "", c)
        }
    };
    let mut out: Vec<String> = candidates
        .into_iter()
        .filter(|c| c.starts_with(prefix))
        .map(|c| format!("{base}{c}"))
        .collect();
    out.sort();
    out.dedup();
    (start, out)
}

/// A byte of a dotted name being typed.
fn is_word_byte(c: u8) -> bool {
    c == b'_' || c == b'.' || c == b':' || c.is_ascii_alphanumeric()
}

/// Whether `s` is a Lua name (an identifier, not a reserved word).
fn is_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && !b[0].is_ascii_digit()
        && b.iter().all(|&c| c == b'_' || c.is_ascii_alphanumeric())
        && KEYWORDS.binary_search(&s).is_err()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A state with the standard library and the globals `code` sets.
    fn state_with(code: &str) -> State {
        let mut state = lunar::raw::new_state();
        let program = lunar::Program::compile("=setup", code.as_bytes()).unwrap();
        lunar::raw::run(&mut state, &program, &[]).unwrap();
        state
    }

    fn words(state: &mut State, line: &str) -> (usize, Vec<String>) {
        let snap = Snapshot::take(state);
        complete(&snap, line, line.len())
    }

    #[test]
    fn keywords_are_sorted() {
        assert!(KEYWORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn globals_and_keywords() {
        let mut st = state_with("");
        assert_eq!(words(&mut st, "pri"), (0, vec!["print".to_string()]));
        assert_eq!(
            words(&mut st, "x = re"),
            (4, vec!["repeat".into(), "require".into(), "return".into()])
        );
        assert_eq!(words(&mut st, "whi"), (0, vec!["while".to_string()]));
        assert_eq!(words(&mut st, "nothing_like_this").1, Vec::<String>::new());
    }

    #[test]
    fn fields_of_tables() {
        let mut st = state_with("");
        assert_eq!(
            words(&mut st, "string.fo"),
            (0, vec!["string.format".to_string()])
        );
        let (start, w) = words(&mut st, "print(math.ma");
        assert_eq!(
            (start, w),
            (
                6,
                vec!["math.max".to_string(), "math.maxinteger".to_string()]
            )
        );
        let mut st = state_with("a = {b = {cc = 1, cd = 2, [1] = 3, ['not a name'] = 4}}");
        assert_eq!(words(&mut st, "a.b.c").1, vec!["a.b.cc", "a.b.cd"]);
        assert_eq!(words(&mut st, "a.b.").1, vec!["a.b.cc", "a.b.cd"]);
        assert_eq!(words(&mut st, "a.x.").1, Vec::<String>::new());
        assert_eq!(words(&mut st, "a..b").1, Vec::<String>::new());
    }

    #[test]
    fn methods_through_index_metatables() {
        let mut st = state_with(
            "s = 'text'
             Class = {method_one = 1}
             Class.__index = Class
             obj = setmetatable({own = 1}, Class)",
        );
        assert!(words(&mut st, "s:up").1.contains(&"s:upper".to_string()));
        assert_eq!(
            words(&mut st, "obj:").1,
            vec!["obj:__index", "obj:method_one", "obj:own"]
        );
        assert!(
            words(&mut st, "io.stdout:wr")
                .1
                .contains(&"io.stdout:write".to_string())
        );
        // A colon inside the path is not completed.
        assert_eq!(words(&mut st, "s:up.x").1, Vec::<String>::new());
    }

    #[test]
    fn numbers_and_cursor_in_the_middle() {
        let mut st = state_with("");
        assert_eq!(words(&mut st, "1e").1, Vec::<String>::new());
        let snap = Snapshot::take(&mut st);
        assert_eq!(
            complete(&snap, "pri + 1", 3),
            (0, vec!["print".to_string()])
        );
    }
}
