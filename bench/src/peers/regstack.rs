//! `--regstack`: the register-versus-stack table. Lunar, lua5.4 and
//! luajit -joff (register VMs) against Rune (which calls itself a stack
//! VM) on the two programs that exist in both languages: the `a = b + c`
//! loop and `fib`. Each engine runs each program at its full size and at
//! size 0, interleaved, for several rounds; time per iteration is the
//! difference of the medians divided by the iterations, so that start-up
//! and compilation are left out.

use crate::engines::Engine;
use crate::programs;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

/// The programs of the table.
pub const PROGRAMS: &[&str] = &["loop", "fib"];

/// How many iterations a program does at `size`: loop bodies for `loop`,
/// calls of `fib` for `fib` (fib(n) makes 2·fib(n+1) − 1 calls).
pub fn iterations(program: &str, size: u64) -> u64 {
    match program {
        "fib" => {
            let (mut a, mut b) = (0u64, 1u64);
            for _ in 0..=size {
                (a, b) = (b, a + b);
            }
            2 * a - 1
        }
        _ => size,
    }
}

/// One cell: an engine on a program.
pub struct Cell {
    /// Median wall and CPU time at full size and at 0.
    pub full: (Duration, Duration),
    /// The same at size 0.
    pub empty: (Duration, Duration),
}

impl Cell {
    /// Nanoseconds per iteration in wall and CPU time.
    pub fn ns_per_iter(&self, iters: u64) -> (f64, f64) {
        let per = |a: Duration, b: Duration| {
            (a.as_secs_f64() - b.as_secs_f64()) * 1e9 / iters.max(1) as f64
        };
        (
            per(self.full.0, self.empty.0),
            per(self.full.1, self.empty.1),
        )
    }
}

/// Instructions per iteration of `program` on `e` under callgrind: the
/// difference of the counts at two sizes over the difference of the
/// iterations, as `--callgrind` does for the micro-programs.
fn instructions(e: &Engine, file: &Path, program: &str, timeout: Duration) -> Result<f64, String> {
    let (small, big) = if program == "fib" {
        (15, 25)
    } else {
        (100_000, 1_100_000)
    };
    let a = crate::callgrind::count(&e.command(file, small), timeout)?;
    let b = crate::callgrind::count(&e.command(file, big), timeout)?;
    let iters = iterations(program, big) - iterations(program, small);
    Ok((b as f64 - a as f64) / iters as f64)
}

/// Runs the table's programs on `engines`; returns the Markdown table and
/// whether every run succeeded with the expected checksum. `callgrind`
/// adds a column of instructions per iteration.
pub fn run(
    engines: &[Engine],
    prog_dir: &Path,
    rounds: usize,
    quick: bool,
    callgrind: bool,
    timeout: Duration,
    tmp: &Path,
) -> (String, bool) {
    let mut s = String::new();
    let mut ok = true;
    let _ = writeln!(s, "## Register versus stack\n");
    let _ = writeln!(
        s,
        "Time per iteration: (median at N − median at N=0) / iterations, {} interleaved round(s), whole process (GNU time). Iterations are loop bodies for `loop`, calls for `fib`.\n",
        rounds
    );
    let callgrind = callgrind && crate::engines::which("valgrind").is_some();
    let _ = writeln!(
        s,
        "| program | N | iterations | engine | dispatch | ns/iter (wall) | ns/iter (CPU) |{}\n|---|--:|--:|---|---|--:|--:|{}",
        if callgrind {
            " instructions/iter |"
        } else {
            ""
        },
        if callgrind { "--:|" } else { "" }
    );
    let mut notes = Vec::new();
    for name in PROGRAMS {
        let Some(p) = programs::PROGRAMS.iter().find(|p| p.name == *name) else {
            continue;
        };
        let size = if quick { p.quick_size } else { p.size };
        let iters = iterations(name, size) - iterations(name, 0);
        let Some(lua_file) =
            programs::program_file(prog_dir, name, crate::programs::Dialect::Lua54)
        else {
            continue;
        };
        let expected = std::fs::read_to_string(programs::expected_path(prog_dir, name, size)).ok();
        let mut walls: Vec<[Vec<Duration>; 4]> =
            engines.iter().map(|_| Default::default()).collect();
        let mut failed: Vec<Option<String>> = vec![None; engines.len()];
        for _ in 0..rounds.max(1) {
            for (i, e) in engines.iter().enumerate() {
                if failed[i].is_some() {
                    continue;
                }
                let file = programs::program_file(prog_dir, name, e.dialect)
                    .unwrap_or_else(|| lua_file.clone());
                for (k, n) in [size, 0].into_iter().enumerate() {
                    match e.run(&file, n, timeout, tmp) {
                        Ok((out, t)) => {
                            let out = crate::results::normalize_output(&out);
                            if let (0, Some(want)) = (k, &expected)
                                && out != crate::results::normalize_output(want)
                            {
                                failed[i] = Some(crate::results::describe_diff(
                                    &out,
                                    want,
                                    "the expected output",
                                ));
                            }
                            walls[i][2 * k].push(t.wall);
                            walls[i][2 * k + 1].push(t.cpu);
                        }
                        Err(msg) => failed[i] = Some(msg),
                    }
                }
            }
        }
        for (i, e) in engines.iter().enumerate() {
            let (wall, cpu) = match &failed[i] {
                Some(msg) => {
                    if !crate::results::is_unsupported(msg) {
                        ok = false;
                    }
                    notes.push(format!("{name} on {}: {msg}", e.label()));
                    ("—".to_string(), "—".to_string())
                }
                None => {
                    let m = |v: &[Duration]| crate::results::median(v.to_vec());
                    let c = Cell {
                        full: (m(&walls[i][0]), m(&walls[i][1])),
                        empty: (m(&walls[i][2]), m(&walls[i][3])),
                    };
                    let (w, c) = c.ns_per_iter(iters);
                    (format!("{w:.2}"), format!("{c:.2}"))
                }
            };
            let instr = if !callgrind {
                String::new()
            } else if failed[i].is_some() {
                " — |".to_string()
            } else {
                let file = programs::program_file(prog_dir, name, e.dialect)
                    .unwrap_or_else(|| lua_file.clone());
                match instructions(e, &file, name, timeout * 10) {
                    Ok(x) => format!(" {x:.1} |"),
                    Err(msg) => {
                        notes.push(format!("{name} on {} under callgrind: {msg}", e.label()));
                        " — |".to_string()
                    }
                }
            };
            let _ = writeln!(
                s,
                "| {name} | {size} | {iters} | {} | {} | {wall} | {cpu} |{instr}",
                e.label(),
                e.vm
            );
        }
    }
    let _ = writeln!(
        s,
        "\nluajit -joff runs LuaJIT's interpreter, whose bytecode is register-based too. Rune describes its VM as stack-based; since 0.14 its instructions name their operands as addresses in the call frame's slots (`a + b` is one `Op {{ a, b, out }}`), which is much closer to a register VM than to a push/pop stack machine. Rune's loop is `for _i in 0..n`, an iterator over a range, where Lua has a numeric `for` instruction. Instructions per iteration (`--regstack --callgrind`): callgrind counts at two sizes (loop 100000 and 1100000, fib 15 and 25), difference over the difference of iterations; in-process engines are counted in the harness's own binary."
    );
    if !notes.is_empty() {
        let _ = writeln!(s, "\nRuns that did not count:\n");
        for n in notes {
            let _ = writeln!(s, "- {n}");
        }
    }
    (s, ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_program_of_the_table_has_a_rune_twin_with_the_same_checksum_line() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("programs");
        for name in PROGRAMS {
            let lua = std::fs::read_to_string(dir.join(format!("{name}.lua"))).unwrap();
            let rune =
                std::fs::read_to_string(dir.join("rune").join(format!("{name}.rn"))).unwrap();
            // The Lua format "loop %d a=%d" must be Rune's "loop {} a={}".
            let lua_fmt = lua
                .split("string.format(\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap();
            let rune_fmt = rune
                .split("println!(\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap();
            assert_eq!(lua_fmt.replace("%d", "{}"), rune_fmt, "{name}");
        }
    }

    #[test]
    fn fib_iterations_count_calls() {
        // fib(0) and fib(1) are one call; fib(2) calls fib(1) and fib(0).
        assert_eq!(iterations("fib", 0), 1);
        assert_eq!(iterations("fib", 1), 1);
        assert_eq!(iterations("fib", 2), 3);
        assert_eq!(iterations("fib", 5), 15);
        assert_eq!(iterations("loop", 7), 7);
    }
}
