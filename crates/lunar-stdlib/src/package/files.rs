//! Where `require` and `package.searchpath` find files: the host's file
//! system ([`HostFiles`], the default) or a file tree a host supplies
//! ([`ModuleFiles`]), such as the in-memory [`MemFiles`].

use std::collections::BTreeMap;
use std::io::{self, Read};

/// A file tree that modules are read from. Names arrive as `package.path`
/// spells them (bytes, "./x.lua", "/usr/local/..."); the tree decides what
/// they mean. Shared by every state that opened the library with it, so
/// it must be safe to use from several threads.
pub trait ModuleFiles: Send + Sync {
    /// Opens `name` for reading. As with the reference's `fopen` test, a
    /// directory may open and fail when read.
    fn open(&self, name: &[u8]) -> io::Result<Box<dyn Read + '_>>;
}

/// The host's file system: names are opened as written, relative ones
/// from the working directory, as the reference interpreter does.
#[derive(Clone, Copy, Debug, Default)]
pub struct HostFiles;

impl ModuleFiles for HostFiles {
    fn open(&self, name: &[u8]) -> io::Result<Box<dyn Read + '_>> {
        Ok(Box::new(std::fs::File::open(host_path(name))?))
    }
}

/// A byte-string name as a host path (any bytes on Unix; elsewhere the
/// name is read as UTF-8, lossily).
pub(crate) fn host_path(name: &[u8]) -> std::path::PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::ffi::OsStr::from_bytes(name).into()
    }
    #[cfg(not(unix))]
    {
        String::from_utf8_lossy(name).into_owned().into()
    }
}

/// An in-memory file tree (for tests, and hosts that ship their modules
/// inside the binary). Every name is cleaned first: leading slashes and
/// "./" are dropped and "a/../b" becomes "b", so "/lib/x.lua" and
/// "./x.lua" name "lib/x.lua" and "x.lua"; a name that would leave the
/// tree ("../x.lua") is not found. A directory (a prefix of some file's
/// name) opens and fails when read, as with the host's file system.
#[derive(Clone, Debug, Default)]
pub struct MemFiles {
    files: BTreeMap<Vec<u8>, Vec<u8>>,
}

impl MemFiles {
    /// An empty tree.
    pub fn new() -> MemFiles {
        MemFiles::default()
    }

    /// Adds (or replaces) file `name` with `data`. The name is cleaned as
    /// `open` cleans it; one that leaves the tree is ignored.
    pub fn insert(&mut self, name: impl AsRef<[u8]>, data: impl Into<Vec<u8>>) {
        if let Some(clean) = clean_name(name.as_ref()) {
            self.files.insert(clean, data.into());
        }
    }

    /// Adds a file and returns the tree (builder style).
    pub fn with(mut self, name: impl AsRef<[u8]>, data: impl Into<Vec<u8>>) -> MemFiles {
        self.insert(name, data);
        self
    }

    /// Whether cleaned name `clean` is a directory of the tree: the root,
    /// or a proper prefix of a file's name ending at a '/'.
    fn is_dir(&self, clean: &[u8]) -> bool {
        if clean == b"." {
            return true;
        }
        let mut prefix = clean.to_vec();
        prefix.push(b'/');
        self.files
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&prefix))
    }
}

impl ModuleFiles for MemFiles {
    fn open(&self, name: &[u8]) -> io::Result<Box<dyn Read + '_>> {
        let not_found = || io::Error::new(io::ErrorKind::NotFound, "No such file or directory");
        let clean = clean_name(name).ok_or_else(not_found)?;
        if let Some(data) = self.files.get(&clean) {
            return Ok(Box::new(&data[..]));
        }
        if self.is_dir(&clean) {
            return Ok(Box::new(DirReader));
        }
        Err(not_found())
    }
}

/// What reading an opened directory gives: the host's error.
struct DirReader;

impl Read for DirReader {
    fn read(&mut self, _buf: &mut [u8]) -> io::Result<usize> {
        Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "Is a directory",
        ))
    }
}

/// `name` as a path inside a tree: leading slashes dropped, then cleaned
/// lexically (empty and "." elements dropped, ".." removing the element
/// before it), "." for the root; `None` for an empty name or one that
/// climbs out of the tree.
pub(crate) fn clean_name(name: &[u8]) -> Option<Vec<u8>> {
    if name.is_empty() {
        return None;
    }
    let mut parts: Vec<&[u8]> = Vec::new();
    for part in name.split(|&c| c == b'/') {
        match part {
            b"" | b"." => {}
            b".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Some(b".".to_vec());
    }
    Some(parts.join(&b'/'))
}

/// The C library's text for an I/O error ("No such file or directory"):
/// Rust's text without its " (os error N)" tail.
pub(crate) fn io_error_text(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_names() {
        let cases: [(&str, Option<&str>); 10] = [
            ("a/b.lua", Some("a/b.lua")),
            ("./a/b.lua", Some("a/b.lua")),
            ("/a/b.lua", Some("a/b.lua")),
            ("//a/./b.lua", Some("a/b.lua")),
            ("a/../c.lua", Some("c.lua")),
            ("../c.lua", None),
            ("a/../../c.lua", None),
            ("", None),
            ("/", Some(".")),
            ("a/", Some("a")),
        ];
        for (name, want) in cases {
            let got = clean_name(name.as_bytes()).map(|v| String::from_utf8(v).unwrap());
            assert_eq!(got.as_deref(), want, "clean_name({name:?})");
        }
    }

    #[test]
    fn mem_files_open() {
        let fsys = MemFiles::new().with("a/b.lua", "x").with("c.lua", "y");
        let cases = [
            ("a/b.lua", true),
            ("./a/b.lua", true),
            ("/a/b.lua", true),
            ("//a/./b.lua", true),
            ("a/../c.lua", true),
            ("../c.lua", false),
            ("a/../../c.lua", false),
            ("", false),
            ("a", true), // a directory opens, as with fopen
            ("a/b", false),
            ("missing.lua", false),
        ];
        for (name, ok) in cases {
            match fsys.open(name.as_bytes()) {
                Ok(_) => assert!(ok, "open({name:?}) succeeded"),
                Err(e) => {
                    assert!(!ok, "open({name:?}): {e}");
                    assert_eq!(e.kind(), io::ErrorKind::NotFound);
                    assert_eq!(io_error_text(&e), "No such file or directory");
                }
            }
        }
        let mut data = String::new();
        fsys.open(b"./a/../c.lua")
            .unwrap()
            .read_to_string(&mut data)
            .unwrap();
        assert_eq!(data, "y");
        let err = fsys
            .open(b"a")
            .unwrap()
            .read_to_end(&mut Vec::new())
            .unwrap_err();
        assert_eq!(io_error_text(&err), "Is a directory");
    }

    #[test]
    fn host_files_errors() {
        let dir = std::env::temp_dir().join(format!("lunar-pkg-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let name = dir.to_str().unwrap().as_bytes().to_vec();
        // A directory opens and fails when read, with the C library's text.
        let err = HostFiles
            .open(&name)
            .unwrap()
            .read_to_end(&mut Vec::new())
            .unwrap_err();
        assert_eq!(io_error_text(&err), "Is a directory");
        let mut missing = name.clone();
        missing.extend_from_slice(b"/missing.lua");
        let err = HostFiles.open(&missing).err().unwrap();
        assert_eq!(io_error_text(&err), "No such file or directory");
        std::fs::remove_dir(&dir).unwrap();
    }
}
