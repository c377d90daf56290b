//! Captures what `lunar version` reports about the build (the version of
//! the Rust compiler and the target triple, as environment variables the
//! command reads with `env!`), and links the `lunar` binary statically on
//! linux-gnu (see [`static_link`]).

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let version = Command::new(&rustc)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "rustc (unknown version)".to_string());
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".to_string());
    println!("cargo:rustc-env=LUNAR_RUSTC_VERSION={version}");
    println!("cargo:rustc-env=LUNAR_TARGET={target}");
    println!("cargo:rerun-if-env-changed=RUSTC");
    println!("cargo:rerun-if-changed=build.rs");
    static_link();
}

/// The opt-out: `LUNAR_DYNAMIC=1 cargo build ...` links `lunar` as rustc
/// does by default.
const OPT_OUT: &str = "LUNAR_DYNAMIC";

/// The system libraries rustc names when it links a linux-gnu binary
/// dynamically (`-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc`), each with
/// the static archive that stands in for it. `gcc_s` (the unwinder) becomes
/// `libgcc_eh.a`, as with `-C target-feature=+crt-static`.
const SYSTEM_LIBS: &[(&str, &str)] = &[
    ("gcc_s", "libgcc_eh.a"),
    ("util", "libutil.a"),
    ("rt", "librt.a"),
    ("pthread", "libpthread.a"),
    ("m", "libm.a"),
    ("dl", "libdl.a"),
    ("c", "libc.a"),
];

/// Links the `lunar` binary as a static PIE on linux-gnu, for its start-up
/// time (issue 16): without the dynamic loader mapping and relocating
/// libc, libm and libgcc_s, and without libgcc_s's constructor, `lunar -e
/// ''` starts in about 0.4 ms less (1.26x lua5.4's time dynamically
/// linked, 0.84x static, hyperfine in the same run on a 2-core VM).
///
/// `-C target-feature=+crt-static` does that, but cargo cannot give a
/// rustflag to one package: set for the target in `.cargo/config.toml` it
/// reaches every crate, and proc-macro crates then fail to build ("cannot
/// produce proc-macro ... does not support these crate types") unless
/// every build passes `--target`. So the binary's link line gets
/// `-static-pie`, and a search directory put before the system's in which
/// each library that rustc names (`-lc`, `-lgcc_s`, ...) is a linker script
/// naming the static archive. The link arguments reach the binary only,
/// not the test binaries.
///
/// Nothing changes (a dynamic binary, as before) for a cross build, on
/// other targets, when rustc links statically already, with
/// `LUNAR_DYNAMIC=1`, or when the C toolchain has no static glibc
/// (libc6-dev ships it on Debian; glibc-static elsewhere). Static glibc
/// needs the shared NSS modules only for user and host look-ups, which
/// `lunar` does not make (std's home directory look-up asks the password
/// database only when `HOME` is unset).
fn static_link() {
    println!("cargo:rerun-if-env-changed={OPT_OUT}");
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    let native = var("TARGET") == var("HOST");
    let linux_gnu = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    let crt_static = var("CARGO_CFG_TARGET_FEATURE")
        .split(',')
        .any(|f| f == "crt-static");
    let opted_out = std::env::var_os(OPT_OUT).is_some_and(|v| !v.is_empty() && v != "0");
    if !native || !linux_gnu || crt_static || opted_out {
        return;
    }
    // The linker rustc runs: cargo passes a configured one on, else `cc`.
    let linker = std::env::var("RUSTC_LINKER").unwrap_or_else(|_| "cc".to_string());
    let find = |name: &str| find_file(&linker, name);
    let Some(libgcc) = find("libgcc.a") else {
        return;
    };
    // The start file of a static PIE (glibc 2.27 and later).
    if find("rcrt1.o").is_none() {
        return;
    }
    let mut archives = Vec::new();
    for &(lib, archive) in SYSTEM_LIBS {
        match find(archive) {
            Some(path) => archives.push((lib, path)),
            None => return,
        }
    }
    let out = PathBuf::from(var("OUT_DIR")).join("static-libs");
    if std::fs::create_dir_all(&out).is_err() {
        return;
    }
    let eh = &archives[0].1;
    for (lib, path) in &archives {
        // libc, libgcc and the unwinder call each other: one group lets
        // the linker go round them until nothing is left undefined.
        let script = if *lib == "c" {
            format!(
                "GROUP({} {} {})\n",
                path.display(),
                libgcc.display(),
                eh.display()
            )
        } else {
            format!("INPUT({})\n", path.display())
        };
        if std::fs::write(out.join(format!("lib{lib}.so")), script).is_err() {
            return;
        }
    }
    println!("cargo:rustc-link-arg-bins=-static-pie");
    // Searched before the default directories, whatever its place on the
    // line (as every -L is).
    println!("cargo:rustc-link-arg-bins=-L{}", out.display());
}

/// Where the C toolchain finds `name` (`cc -print-file-name`), if it has
/// it: it prints the bare name back when it does not.
fn find_file(linker: &str, name: &str) -> Option<PathBuf> {
    let out = Command::new(linker)
        .arg(format!("-print-file-name={name}"))
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let path = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    (path.is_absolute() && Path::new(&path).exists()).then(|| path.canonicalize().unwrap_or(path))
}
