//! Reading and loading chunks as `luaL_loadfile` and `luaL_loadbuffer` do:
//! files and stdin, the first `#` line, binary chunks, and the messages
//! for files that cannot be read.

use crate::Interp;
use lunar::raw::{State, Value};
use std::io::Read;

/// A chunk that could not be loaded: an unreadable file or a syntax
/// error. Its message is reported without a traceback.
#[derive(Debug)]
pub struct LoadError(pub Vec<u8>);

impl Interp {
    /// Reads a script as `luaL_loadfile` does: `None` is stdin. Returns the
    /// text, with a first line starting with `#` blanked (so that line
    /// numbers stay right), and the chunk name.
    pub fn read_chunk(&mut self, name: Option<&[u8]>) -> Result<(Vec<u8>, Vec<u8>), LoadError> {
        let (shown, chunk_name, read) = match name {
            None => {
                let mut src = Vec::new();
                let read = std::io::stdin().lock().read_to_end(&mut src).map(|_| src);
                (&b"stdin"[..], b"=stdin".to_vec(), read)
            }
            Some(name) => {
                let mut chunk_name = b"@".to_vec();
                chunk_name.extend_from_slice(name);
                let mut file = match std::fs::File::open(path_of(name)) {
                    Ok(f) => f,
                    Err(e) => return Err(file_error("open", name, &e)),
                };
                let mut src = Vec::new();
                (name, chunk_name, file.read_to_end(&mut src).map(|_| src))
            }
        };
        match read {
            Ok(src) => Ok((lunar::skip_comment(&src).to_vec(), chunk_name)),
            Err(e) => Err(file_error("read", shown, &e)),
        }
    }

    /// Loads a script (`None` is stdin) as a function.
    pub fn load_file(&mut self, name: Option<&[u8]>) -> Result<Value, LoadError> {
        let (src, chunk_name) = self.read_chunk(name)?;
        load_chunk(&mut self.state, &src, &chunk_name)
    }
}

/// Compiles source text, or loads a binary chunk, under `chunk_name`, as
/// `luaL_loadbuffer` does: the text is taken as it is (the first `#` line
/// is skipped for files only, by `read_chunk`).
pub fn load_chunk(state: &mut State, src: &[u8], chunk_name: &[u8]) -> Result<Value, LoadError> {
    match state.load(src, chunk_name, "bt", None) {
        Ok(f) => Ok(f),
        Err(_) => {
            let v = state.take_error_value();
            let msg = match state.to_str(v) {
                Some(s) => s.as_bytes().to_vec(),
                None => format!("(error object is a {} value)", v.type_name()).into_bytes(),
            };
            Err(LoadError(msg))
        }
    }
}

/// "cannot open NAME: reason", worded as lua.c words it.
pub fn file_error(what: &str, name: &[u8], err: &std::io::Error) -> LoadError {
    let mut msg = format!("cannot {what} ").into_bytes();
    msg.extend_from_slice(name);
    msg.extend_from_slice(system_error(err).as_bytes());
    LoadError(msg)
}

/// The reason of a failed file operation as C's `strerror` gives it
/// (": No such file or directory"), or "" when there is none.
pub fn system_error(err: &std::io::Error) -> String {
    let text = err.to_string();
    // Rust adds " (os error N)" to strerror's text.
    let text = match text.rfind(" (os error ") {
        Some(i) if err.raw_os_error().is_some() => &text[..i],
        _ => &text[..],
    };
    if text.is_empty() {
        return String::new();
    }
    let mut chars = text.chars();
    let first = chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>())
        .unwrap_or_default();
    format!(": {first}{}", chars.as_str())
}

/// A command-line word given as bytes, as an OS string.
#[cfg(unix)]
pub fn to_os(word: &[u8]) -> std::ffi::OsString {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::OsStr::from_bytes(word).to_os_string()
}

/// A command-line word given as bytes, as an OS string.
#[cfg(not(unix))]
pub fn to_os(word: &[u8]) -> std::ffi::OsString {
    String::from_utf8_lossy(word).into_owned().into()
}

/// A file name given as bytes, as a path.
#[cfg(unix)]
pub fn path_of(name: &[u8]) -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::OsStr::from_bytes(name).into()
}

/// A file name given as bytes, as a path.
#[cfg(not(unix))]
pub fn path_of(name: &[u8]) -> std::path::PathBuf {
    String::from_utf8_lossy(name).into_owned().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_error_reads_like_strerror() {
        let e = std::fs::File::open("/nonexistent/lunar-cli-test").unwrap_err();
        assert_eq!(system_error(&e), ": No such file or directory");
        let e = std::io::Error::other("something odd");
        assert_eq!(system_error(&e), ": Something odd");
    }
}
