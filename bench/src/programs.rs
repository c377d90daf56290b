//! The benchmark programs of `bench/programs/` and the files each dialect
//! of engine runs for them.

use std::path::{Path, PathBuf};

/// One program of the suite.
#[derive(Clone, Copy, Debug)]
pub struct Program {
    /// File name without extension: `programs/NAME.lua`.
    pub name: &'static str,
    /// Argument of a full run; the program's own default is the same value,
    /// chosen so that lua5.4 takes roughly 0.5 to 2 seconds.
    pub size: u64,
    /// Argument of a quick run (checksums only).
    pub quick_size: u64,
}

/// The suite, in the order it is run and reported.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "fib",
        size: 36,
        quick_size: 20,
    },
    Program {
        name: "loop",
        size: 10_000_000,
        quick_size: 100_000,
    },
    Program {
        name: "nbody",
        size: 500_000,
        quick_size: 1000,
    },
    Program {
        name: "spectral-norm",
        size: 700,
        quick_size: 50,
    },
    Program {
        name: "binary-trees",
        size: 15,
        quick_size: 6,
    },
    Program {
        name: "fannkuch",
        size: 10,
        quick_size: 7,
    },
    Program {
        name: "mandelbrot",
        size: 1200,
        quick_size: 67,
    },
    Program {
        name: "strings",
        size: 150_000,
        quick_size: 2000,
    },
    Program {
        name: "tables",
        size: 100_000,
        quick_size: 2000,
    },
    Program {
        name: "oop",
        size: 600_000,
        quick_size: 5000,
    },
    Program {
        name: "closures",
        size: 2_000_000,
        quick_size: 10_000,
    },
    Program {
        name: "coroutines",
        size: 2_000_000,
        quick_size: 10_000,
    },
    Program {
        name: "json",
        size: 4000,
        quick_size: 20,
    },
];

/// The language an engine speaks, which decides the file it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Lua 5.4 engines run `NAME.lua`.
    Lua54,
    /// Lua 5.1 engines run `NAME_51.lua` where it exists, else `NAME.lua`.
    Lua51,
}

impl Dialect {
    /// How reports describe the files an engine of this dialect runs.
    pub fn describe(self) -> &'static str {
        match self {
            Dialect::Lua54 => "NAME.lua (Lua 5.4)",
            Dialect::Lua51 => "NAME_51.lua if present, else NAME.lua (Lua 5.1)",
        }
    }
}

/// The file an engine of dialect `d` runs for `name`, if there is one.
pub fn program_file(dir: &Path, name: &str, d: Dialect) -> Option<PathBuf> {
    let candidates: Vec<String> = match d {
        Dialect::Lua54 => vec![format!("{name}.lua")],
        Dialect::Lua51 => vec![format!("{name}_51.lua"), format!("{name}.lua")],
    };
    candidates
        .into_iter()
        .map(|c| dir.join(c))
        .find(|p| p.is_file())
}

/// The programs named in `names` (all when empty), or the unknown names.
pub fn select(names: &[String]) -> Result<Vec<Program>, Vec<String>> {
    if names.is_empty() {
        return Ok(PROGRAMS.to_vec());
    }
    let unknown: Vec<String> = names
        .iter()
        .filter(|n| !PROGRAMS.iter().any(|p| p.name == n.as_str()))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(unknown);
    }
    Ok(PROGRAMS
        .iter()
        .filter(|p| names.iter().any(|n| n == p.name))
        .copied()
        .collect())
}

/// Where the expected output of a program at a size is stored.
pub fn expected_path(dir: &Path, name: &str, size: u64) -> PathBuf {
    dir.join("expected").join(format!("{name}.{size}.txt"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn programs_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("programs")
    }

    #[test]
    fn every_program_has_its_file_and_expected_outputs() {
        let dir = programs_dir();
        for p in PROGRAMS {
            assert!(
                program_file(&dir, p.name, Dialect::Lua54).is_some(),
                "{} has no file",
                p.name
            );
            for size in [p.size, p.quick_size] {
                assert!(
                    expected_path(&dir, p.name, size).is_file(),
                    "{} has no expected output at {size}",
                    p.name
                );
            }
        }
    }

    #[test]
    fn default_sizes_match_the_programs() {
        // Each program's own default argument must equal the full size, so
        // that running a file by hand measures what the harness measures.
        let dir = programs_dir();
        for p in PROGRAMS {
            let src = std::fs::read_to_string(program_file(&dir, p.name, Dialect::Lua54).unwrap())
                .unwrap();
            assert!(
                src.contains(&format!("or {}", p.size)),
                "{}: default size is not {}",
                p.name,
                p.size
            );
        }
    }

    #[test]
    fn lua51_falls_back_to_the_54_file() {
        let dir = programs_dir();
        let f = program_file(&dir, "fib", Dialect::Lua51).unwrap();
        assert!(f.ends_with("fib.lua"));
        let m = program_file(&dir, "mandelbrot", Dialect::Lua51).unwrap();
        assert!(m.ends_with("mandelbrot_51.lua"));
    }

    #[test]
    fn select_rejects_unknown_names() {
        assert_eq!(
            select(&["fib".into(), "nope".into()]).unwrap_err(),
            vec!["nope".to_string()]
        );
        assert_eq!(select(&["loop".into()]).unwrap().len(), 1);
    }
}
