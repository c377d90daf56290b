//! `--callgrind`: instructions per iteration of the micro-programs in
//! `bench/callgrind/`, counted by valgrind's callgrind for each process
//! engine. Each program runs at two sizes; the difference of the two
//! counts divided by the difference of the iterations cancels start-up, so
//! the figure is the steady cost of one iteration. Instruction counts do
//! not depend on the machine's load, unlike times.

use crate::engines::Engine;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

/// One micro-program: its file, the two sizes, and the iterations a size
/// makes.
struct Micro {
    name: &'static str,
    small: u64,
    big: u64,
    iterations: fn(u64) -> u64,
}

fn same(n: u64) -> u64 {
    n
}

/// fib(k) makes 2*fib(k+1)-1 calls.
fn fib_calls(k: u64) -> u64 {
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..k + 1 {
        (a, b) = (b, a + b);
    }
    2 * a - 1
}

const MICROS: &[Micro] = &[
    Micro {
        name: "loop",
        small: 100_000,
        big: 1_100_000,
        iterations: same,
    },
    Micro {
        name: "fib",
        small: 15,
        big: 25,
        iterations: fib_calls,
    },
    Micro {
        name: "field",
        small: 100_000,
        big: 1_100_000,
        iterations: same,
    },
    Micro {
        name: "method",
        small: 50_000,
        big: 550_000,
        iterations: same,
    },
    Micro {
        name: "closure",
        small: 50_000,
        big: 550_000,
        iterations: same,
    },
    Micro {
        name: "concat",
        small: 50_000,
        big: 550_000,
        iterations: same,
    },
];

/// Counts instructions of `argv` under callgrind ("Collected : N").
pub fn count(argv: &[String], timeout: Duration) -> Result<u64, String> {
    let out = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .args(argv)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run valgrind: {e}"))?;
    let _ = timeout;
    let err = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!(
            "{} failed: {}",
            argv[0],
            err.lines().last().unwrap_or("")
        ));
    }
    err.lines()
        .find_map(|l| {
            l.split_once("Collected :")
                .map(|(_, n)| n.trim().parse::<u64>())
        })
        .ok_or_else(|| "no 'Collected' line in callgrind's output".to_string())?
        .map_err(|e| e.to_string())
}

/// Runs every micro-program on every process engine and prints a table.
pub fn run(engines: &[Engine], dir: &Path, _tmp: &Path, timeout: Duration) -> ExitCode {
    if crate::engines::which("valgrind").is_none() {
        eprintln!("lunar-bench: valgrind is not installed (apt-get install valgrind)");
        return ExitCode::from(2);
    }
    let engines: Vec<&Engine> = engines
        .iter()
        .filter(|e| e.available() && !e.in_process)
        .collect();
    print!("| program |");
    for e in &engines {
        print!(" {} |", e.label());
    }
    print!("\n|---|");
    for _ in &engines {
        print!("--:|");
    }
    println!();
    let mut failed = false;
    for m in MICROS {
        let file = dir.join(format!("{}.lua", m.name));
        print!("| {} |", m.name);
        for e in &engines {
            let small = count(&e.command(&file, m.small), timeout);
            let big = count(&e.command(&file, m.big), timeout);
            match (small, big) {
                (Ok(s), Ok(b)) => {
                    let per = (b as f64 - s as f64)
                        / ((m.iterations)(m.big) - (m.iterations)(m.small)) as f64;
                    print!(" {per:.1} |");
                }
                (Err(msg), _) | (_, Err(msg)) => {
                    failed = true;
                    print!(" failed: {msg} |");
                }
            }
        }
        println!();
    }
    println!(
        "\nInstructions per iteration (callgrind; the difference of two sizes, so start-up cancels out)."
    );
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fib_call_counts() {
        // fib(0) and fib(1) are one call each; fib(2) calls fib(1) and fib(0).
        assert_eq!(fib_calls(0), 1);
        assert_eq!(fib_calls(1), 1);
        assert_eq!(fib_calls(2), 3);
        assert_eq!(fib_calls(25), 242_785);
    }

    #[test]
    fn every_micro_program_exists() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("callgrind");
        for m in MICROS {
            assert!(dir.join(format!("{}.lua", m.name)).is_file(), "{}", m.name);
            assert!((m.iterations)(m.big) > (m.iterations)(m.small));
        }
    }
}
