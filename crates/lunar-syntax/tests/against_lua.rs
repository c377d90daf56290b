//! Differential test: random token soups and random byte strings are parsed
//! here and by lua5.4's `load`, and the first error messages compared. It
//! runs only with `LUNAR_AGAINST_LUA=N` (N inputs) and lua5.4 installed.
//! Errors that need scopes (goto, labels, break, `<const>`) belong to the
//! compiler and are left out.

use lunar_syntax::{Mode, parse_mode};
use std::io::Write;
use std::process::{Command, Stdio};

/// A small deterministic generator (an LCG), so failures reproduce.
struct Rand(u64);

impl Rand {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

fn inputs(n: usize) -> Vec<Vec<u8>> {
    let words: Vec<&str> = "and break do else elseif end false for function goto if in local nil not \
        or repeat return then true until while + - * / // % ^ # & ~ | << >> .. ... == ~= < <= > >= \
        = ( ) { } [ ] :: ; : , . x y f 1 2.5 0x10 \"s\" 's' [[l]] <const> <close> <foo> a.b a:b() t[1] \
        \"abc \\q 3x [= -- --[[ ]] @ 1e 0x '\\300' '\\x4' '\\u{110000000}'"
        .split_whitespace()
        .collect();
    let alphabet = b"\"'\\[]=-\n\r xXpPeE.0123456789abfuz{}()#+<>~:;,\t\x00\xff";
    let mut r = Rand(1);
    (0..n)
        .map(|i| {
            let mut b = Vec::new();
            if i % 2 == 0 {
                for _ in 0..1 + r.below(25) {
                    b.extend_from_slice(words[r.below(words.len())].as_bytes());
                    b.extend_from_slice([" ", " ", " ", "\n"][r.below(4)].as_bytes());
                }
            } else {
                b.extend_from_slice(
                    ["", "x = ", "return ", "f", "local a <"][r.below(5)].as_bytes(),
                );
                for _ in 0..1 + r.below(20) {
                    b.push(alphabet[r.below(alphabet.len())]);
                }
            }
            b
        })
        .collect()
}

#[test]
fn against_reference() {
    let Some(n) = std::env::var("LUNAR_AGAINST_LUA")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    else {
        eprintln!("skipped: set LUNAR_AGAINST_LUA=N to compare N random chunks with lua5.4");
        return;
    };
    let script = r#"
        local src = io.read("a")
        local pos = 1
        while pos <= #src do
            local n; n, pos = string.unpack("<I4", src, pos)
            local s = src:sub(pos, pos + n - 1); pos = pos + n
            local ok, f, err = pcall(load, s, "=input")
            io.write(ok and (err or "") or tostring(f), "\0")
        end"#;
    let Ok(mut child) = Command::new("lua5.4")
        .args(["-e", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    else {
        eprintln!("skipped: lua5.4 is not installed");
        return;
    };
    let inputs = inputs(n);
    let mut stdin = child.stdin.take().expect("stdin");
    let feed = inputs.clone();
    let writer = std::thread::spawn(move || {
        for s in &feed {
            stdin
                .write_all(&(s.len() as u32).to_le_bytes())
                .expect("write");
            stdin.write_all(s).expect("write");
        }
    });
    let out = child.wait_with_output().expect("lua5.4");
    writer.join().expect("writer");
    let wants: Vec<&[u8]> = out.stdout.split(|&c| c == 0).collect();
    // One message per input, each ended by a zero byte.
    assert_eq!(
        wants.len(),
        inputs.len() + 1,
        "lua5.4 answered {} of {}",
        wants.len() - 1,
        inputs.len()
    );
    let mut compared = 0;
    let mut bad = Vec::new();
    for (src, want) in inputs.iter().zip(&wants) {
        let w = String::from_utf8_lossy(want);
        if ["break outside", "label", "const variable"]
            .iter()
            .any(|x| w.contains(x))
        {
            continue;
        }
        compared += 1;
        let got = match parse_mode(b"=input", src, Mode::LOAD) {
            Ok(_) => Vec::new(),
            Err(e) => e.to_bytes(),
        };
        if got != *want {
            bad.push(format!(
                "{:?}:\n got  {}\n want {w}",
                String::from_utf8_lossy(src),
                String::from_utf8_lossy(&got)
            ));
        }
    }
    eprintln!(
        "{compared} of {} chunks compared, {} differ",
        inputs.len(),
        bad.len()
    );
    assert!(
        bad.is_empty(),
        "{} of {} differ:\n{}",
        bad.len(),
        inputs.len(),
        bad.iter().take(10).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// Random numeric-looking strings are converted by [`str_to_number`] and by
/// lua5.4's `tonumber`, and the results compared (subtype and exact bits).
#[test]
fn str_to_number_against_reference() {
    use lunar_syntax::{Number, str_to_number};
    let Some(n) = std::env::var("LUNAR_AGAINST_LUA")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    else {
        eprintln!("skipped: set LUNAR_AGAINST_LUA=N to compare N random strings with lua5.4");
        return;
    };
    let script = r#"
        for line in io.lines() do
            local x = tonumber(line)
            if x == nil then print("nil")
            elseif math.type(x) == "integer" then print("int " .. x)
            else print(string.format("float %016x", string.unpack("<i8", string.pack("<d", x)))) end
        end"#;
    let Ok(mut child) = Command::new("lua5.4")
        .args(["-e", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    else {
        eprintln!("skipped: lua5.4 is not installed");
        return;
    };
    let alphabet = b" \t0123456789abcdefABCDEFxXpPeE.+-";
    let fixed: &[&str] = &[
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "0x7fffffffffffffff",
        "0xffffffffffffffffff",
        "1e308",
        "1e309",
        "0x1p-1074",
        "0x1.fffffffffffff8p0",
        "  0x10  ",
        "inf",
        "nan",
        "1e",
        ".",
        "0x",
    ];
    let mut r = Rand(2);
    let mut inputs: Vec<String> = fixed.iter().map(|s| s.to_string()).collect();
    for _ in 0..n {
        let len = 1 + r.below(22);
        let mut s = String::new();
        if r.below(2) == 0 {
            s.push_str(["0x", "-0x", "1", "-", " ", "0X1."][r.below(6)]);
        }
        for _ in 0..len {
            s.push(alphabet[r.below(alphabet.len())] as char);
        }
        inputs.push(s);
    }
    let mut stdin = child.stdin.take().expect("stdin");
    let feed = inputs.join("\n") + "\n";
    let writer = std::thread::spawn(move || stdin.write_all(feed.as_bytes()).expect("write"));
    let out = child.wait_with_output().expect("lua5.4");
    writer.join().expect("writer");
    let wants: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(
        wants.len(),
        inputs.len(),
        "lua5.4 answered {} of {}",
        wants.len(),
        inputs.len()
    );
    let mut bad = Vec::new();
    for (src, want) in inputs.iter().zip(&wants) {
        let got = match str_to_number(src.as_bytes()) {
            None => "nil".to_string(),
            Some(Number::Int(i)) => format!("int {i}"),
            Some(Number::Float(f)) => format!("float {:016x}", f.to_bits()),
        };
        if got != *want {
            bad.push(format!("{src:?}: got {got}, want {want}"));
        }
    }
    let numbers = wants.iter().filter(|w| *w != "nil").count();
    eprintln!(
        "{} strings compared ({numbers} numbers), {} differ",
        inputs.len(),
        bad.len()
    );
    assert!(
        bad.is_empty(),
        "{}",
        bad.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}
