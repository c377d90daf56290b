//! Captures what `lunar version` reports about the build (the version of
//! the Rust compiler and the target triple, as environment variables the
//! command reads with `env!`), links the `lunar` binary statically on
//! linux-gnu (see [`static_link`]) and, where rustc links with lld, lays
//! out the code that start-up runs together and packs the relocations
//! (see [`layout`]).

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
    layout(&version);
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

/// The functions that start-up and typical programs run, in the order the
/// linker lays them out (written by `layout/update.sh`).
const HOT_FUNCTIONS: &str = "layout/hot-functions.txt";

/// Makes the pages that start-up touches fewer, for the process's
/// baseline memory and start-up time (issues 13 and 16).
///
/// The binary is 11 MB, mostly the server and the stress suite, and the
/// kernel maps the 64 KB around each page a process touches in a file
/// mapping that is in the page cache (fault-around). The ~450 functions
/// `lunar -e ''` runs (360 KB) were spread over 37 such windows: 2.4 MB
/// of resident text. lld's `--symbol-ordering-file` puts the functions
/// that `layout/update.sh` recorded first in `.text`, in its order: the
/// dispatch loop at a fixed offset (see update.sh), start-up, then what
/// the benchmark programs run; `lunar -e ''`'s text is 0.86 MB, the small
/// programs' about the same. A name the list has and the build lacks is
/// skipped without a warning (`--no-warn-symbol-ordering`): a stale list
/// only lays out less (`layout/update.sh --check` tells).
///
/// `-z pack-relative-relocs` writes the ~10,500 relative relocations as
/// a bitmap (DT_RELR) rather than 24-byte entries: the table the start-up
/// code reads shrinks from 247 KB to 3 KB (0.19 MB less RSS). glibc
/// applies DT_RELR from 2.36 (static PIE included), so only where the C
/// library is that recent.
///
/// Together: `lunar -e ''` peak RSS 3.48 -> 1.70 MB (lua5.4 2.30 MB).
///
/// Only for optimized builds (the list's names are those of a release
/// build), and only where rustc links with its own lld: x86_64 linux-gnu
/// from Rust 1.90 on, unless the flags or the configuration choose
/// another linker, since GNU ld knows neither option's spelling here.
fn layout(rustc_version: &str) {
    println!("cargo:rerun-if-changed={HOT_FUNCTIONS}");
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("PROFILE") != "release" || !rust_lld(&var("TARGET"), rustc_version) {
        return;
    }
    let list = Path::new(&var("CARGO_MANIFEST_DIR")).join(HOT_FUNCTIONS);
    if list.exists() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            list.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
    if var("TARGET") == var("HOST") && glibc_at_least(2, 36) {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// Whether rustc links the binary with its own lld: the default for
/// x86_64-unknown-linux-gnu since Rust 1.90, unless a linker is configured
/// for the target (cargo then passes it on as `RUSTC_LINKER`) or the flags
/// choose the linker or its flavour.
fn rust_lld(target: &str, rustc_version: &str) -> bool {
    if target != "x86_64-unknown-linux-gnu" || std::env::var_os("RUSTC_LINKER").is_some() {
        return false;
    }
    // "rustc 1.95.0 (59807616e 2026-04-14)"
    let minor = rustc_version
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.split('.').nth(1))
        .and_then(|m| m.parse::<u32>().ok());
    if minor.is_none_or(|m| m < 90) {
        return false;
    }
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    !["linker", "link-self-contained", "fuse-ld"]
        .iter()
        .any(|f| flags.contains(f))
}

/// Whether the system's C library is glibc `major.minor` or later
/// (`getconf GNU_LIBC_VERSION` prints "glibc 2.36").
fn glibc_at_least(major: u32, minor: u32) -> bool {
    let Ok(out) = Command::new("getconf").arg("GNU_LIBC_VERSION").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let Some(v) = text.trim().strip_prefix("glibc ") else {
        return false;
    };
    let mut parts = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let found = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    found >= (major, minor)
}
