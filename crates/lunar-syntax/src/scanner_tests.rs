//! Tests of the scanner (ported from the Go version's scanner_test.go).

use crate::Scanner;
use crate::dump::{go_float, go_quote};
use crate::token::{Kind, Token};

/// Scans `src` to the end and describes each token as "kind" or
/// "kind:value".
fn scan_all(src: &[u8]) -> Vec<String> {
    let mut s = Scanner::new(b"=test", src);
    let mut out = Vec::new();
    for _ in 0..src.len() + 2 {
        let tok = s.scan();
        match tok.kind {
            Kind::Eof => return out,
            Kind::Illegal => out.push(format!(
                "illegal:{}",
                String::from_utf8_lossy(&s.err().expect("error").msg)
            )),
            _ => out.push(describe(&tok)),
        }
    }
    panic!("scanner does not stop on {src:?}");
}

fn describe(tok: &Token) -> String {
    match tok.kind {
        Kind::Name => format!("name:{}", String::from_utf8_lossy(&tok.str)),
        Kind::String => format!("string:{}", go_quote(&tok.str)),
        Kind::Int => format!("int:{}", tok.int),
        Kind::Float => format!("float:{}", go_float(tok.float)),
        Kind::Char => format!("char:{}", tok.ch),
        k => k.as_str().to_string(),
    }
}

#[test]
fn scan_tokens() {
    let tests: &[(&[u8], &str)] = &[
        (b"", ""),
        (b"  \t\x0c\x0b\n\r ", ""),
        (
            b"and break do else elseif end false for function goto if in local nil not or repeat return then true until while",
            "and break do else elseif end false for function goto if in local nil not or repeat return then true until while",
        ),
        (
            b"+ - * / // % ^ # & ~ | << >> .. ... == ~= < <= > >= = ( ) { } [ ] :: ; : , .",
            "+ - * / // % ^ # & ~ | << >> .. ... == ~= < <= > >= = ( ) { } [ ] :: ; : , .",
        ),
        (
            b"a//b>>c<<d~=e::f...g..h.i",
            "name:a // name:b >> name:c << name:d ~= name:e :: name:f ... name:g .. name:h . name:i",
        ),
        (b"<<=>>=", "<< = >> ="),
        (b"....", "... ."),
        (b"~~=", "~ ~="),
        (b"===", "== ="),
        (b":::", ":: :"),
        (b"///", "// /"),
        (
            b"x _y Z9 _ __init__ andx And",
            "name:x name:_y name:Z9 name:_ name:__init__ name:andx name:And",
        ),
        (
            b"@ $ ! ` ? \\ \x01 \x7f \x80 \xff",
            "char:64 char:36 char:33 char:96 char:63 char:92 char:1 char:127 char:128 char:255",
        ),
        (b"caf\xc3\xa9", "name:caf char:195 char:169"),
        (b"a--comment\nb", "name:a name:b"),
        (b"a--[[long\ncomment]]b", "name:a name:b"),
        (b"a--[==[long]]\n]=]]==]b", "name:a name:b"),
        (b"a--[=x\nb", "name:a name:b"),
        (b"a--[\nb", "name:a name:b"),
        (b"a -- comment", "name:a"),
        (b"a - -b", "name:a - - name:b"),
        (b"'a' \"b\"", r#"string:"a" string:"b""#),
        (
            b"[[a]] [=[b]=] [==[c]=]]==]",
            r#"string:"a" string:"b" string:"c]=]""#,
        ),
        (b"[x", "[ name:x"),
        (b"[ [", "[ ["),
        (
            b"[=x",
            "illegal:invalid long string delimiter near '[=' name:x",
        ),
        (b"t[1]", "name:t [ int:1 ]"),
    ];
    for (src, want) in tests {
        let got = scan_all(src).join(" ");
        assert_eq!(got, *want, "scan {:?}", String::from_utf8_lossy(src));
    }
}

#[test]
fn scan_strings() {
    let tests: &[(&[u8], &[u8])] = &[
        (br#""abc""#, b"abc"),
        (br#"'it''s'"#, b"it"), // then another string
        (br#""a'b""#, b"a'b"),
        (br#"'a"b'"#, br#"a"b"#),
        (br#""\a\b\f\n\r\t\v\\\"\'""#, b"\x07\x08\x0c\n\r\t\x0b\\\"'"),
        (b"\"a\\\nb\"", b"a\nb"),
        (b"\"a\\\r\nb\"", b"a\nb"),
        (b"\"a\\\n\rb\"", b"a\nb"),
        (b"\"a\\\rb\"", b"a\nb"),
        (b"\"a\\z  \n\t \r\n b\"", b"ab"),
        (br#""a\zb""#, b"ab"),
        (br#""\x41\x4a\x4B\xff\x00""#, b"AJK\xff\x00"),
        (
            br#""\65\066\0677\0\00\000\255""#,
            b"AB\x437\x00\x00\x00\xff",
        ),
        (br#""\1a""#, b"\x01a"),
        (
            br#""\u{41}\u{0}\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}""#,
            "A\u{0}\u{7f}\u{80}\u{7ff}\u{800}\u{ffff}\u{10000}\u{10ffff}".as_bytes(),
        ),
        (br#""\u{D800}""#, b"\xed\xa0\x80"),
        (br#""\u{110000}""#, b"\xf4\x90\x80\x80"),
        (br#""\u{1FFFFF}""#, b"\xf7\xbf\xbf\xbf"),
        (br#""\u{200000}""#, b"\xf8\x88\x80\x80\x80"),
        (br#""\u{3FFFFFF}""#, b"\xfb\xbf\xbf\xbf\xbf"),
        (br#""\u{4000000}""#, b"\xfc\x84\x80\x80\x80\x80"),
        (br#""\u{7FFFFFFF}""#, b"\xfd\xbf\xbf\xbf\xbf\xbf"),
        (br#""\u{00000000041}""#, b"A"),
        (b"[[\nabc]]", b"abc"),
        (b"[[\r\nabc]]", b"abc"),
        (b"[[\n\rabc]]", b"abc"),
        (b"[[\n\nabc]]", b"\nabc"),
        (b"[[a\r\nb\n\rc\rd\ne]]", b"a\nb\nc\nd\ne"),
        (b"[==[a]]b]=]c]===]d]==]", b"a]]b]=]c]===]d"),
        (b"[[a\\n]]", b"a\\n"),
        (b"[[]]", b""),
        (b"''", b""),
    ];
    for (src, want) in tests {
        let mut s = Scanner::new(b"=test", src);
        let tok = s.scan();
        assert_eq!(tok.kind, Kind::String, "scan {src:?}: {:?}", s.err());
        assert_eq!(&*tok.str, *want, "scan {:?}", String::from_utf8_lossy(src));
    }
}

#[test]
fn scan_numbers() {
    let inf = f64::INFINITY;
    enum N {
        I(i64),
        F(f64),
    }
    use N::{F, I};
    let tests: &[(&str, N)] = &[
        ("0", I(0)),
        ("3", I(3)),
        ("00012", I(12)),
        ("0x7fffffffffffffff", I(i64::MAX)),
        ("9223372036854775807", I(i64::MAX)),
        ("9223372036854775808", F(9223372036854775808.0)),
        ("18446744073709551616", F(18446744073709551616.0)),
        ("0xffffffffffffffff", I(-1)),
        ("0x8000000000000000", I(i64::MIN)),
        ("0x10000000000000000", I(0)),
        ("0x123456789abcdef0123", I(0x56789abcdef0123 | (0x4 << 60))),
        ("0XA", I(10)),
        ("0xa", I(10)),
        ("0x1e2", I(0x1e2)),
        ("1e309", F(inf)),
        ("1e400000000000000000", F(inf)),
        ("1e-400", F(0.0)),
        (".5", F(0.5)),
        ("3.", F(3.0)),
        ("3.0", F(3.0)),
        (
            "3.14159265358979323846264338327950288",
            F(std::f64::consts::PI),
        ),
        ("1E2", F(100.0)),
        ("1e+2", F(100.0)),
        ("1e-2", F(0.01)),
        ("1.e2", F(100.0)),
        (".5e1", F(5.0)),
        ("0x.1p4", F(1.0)),
        ("0x.8", F(0.5)),
        ("0xA.", F(10.0)),
        ("0x1p-4", F(0.0625)),
        ("0x1P+4", F(16.0)),
        ("0xep1", F(28.0)),
        ("0x1.8", F(1.5)),
        ("0x1.fffffffffffffffffp0", F(2.0)),
        ("0x1p-1074", F(5e-324)),
        ("0x1p-1075", F(0.0)),
        ("0x1.8p-1074", F(1e-323)),
        ("0x1p1024", F(inf)),
        ("4.9e-324", F(5e-324)),
    ];
    for (src, want) in tests {
        let mut s = Scanner::new(b"=test", src.as_bytes());
        let tok = s.scan();
        match *want {
            I(i) => assert!(
                tok.kind == Kind::Int && tok.int == i,
                "scan {src}: got {}, want int {i}",
                describe(&tok)
            ),
            F(f) => assert!(
                tok.kind == Kind::Float && tok.float == f && !tok.float.is_sign_negative(),
                "scan {src}: got {}, want float {f}",
                describe(&tok)
            ),
        }
        assert_eq!(tok.end, src.len(), "scan {src}: token end");
        let next = s.scan();
        assert_eq!(next.kind, Kind::Eof, "scan {src}: then {}", describe(&next));
    }
}

/// Lexical error messages; each was produced by lua5.4 with
/// `load(src, "=input")`.
#[test]
fn scan_errors() {
    let tests: &[(&[u8], &str)] = &[
        (b"3x", "input:1: malformed number near '3x'"),
        (b"3abcx", "input:1: malformed number near '3abcx'"),
        (b"0x", "input:1: malformed number near '0x'"),
        (b"0x.", "input:1: malformed number near '0x.'"),
        (b"0x.p1", "input:1: malformed number near '0x.p1'"),
        (b"0X1p", "input:1: malformed number near '0X1p'"),
        (b"1e", "input:1: malformed number near '1e'"),
        (b"1.5e", "input:1: malformed number near '1.5e'"),
        (b"1..2", "input:1: malformed number near '1..2'"),
        (b"0xg", "input:1: malformed number near '0xg'"),
        (b"3_", "input:1: malformed number near '3_'"),
        (br#""abc"#, "input:1: unfinished string near <eof>"),
        (b"\"abc\ny\"", r#"input:1: unfinished string near '"abc'"#),
        (b"'abc\\", "input:1: unfinished string near <eof>"),
        (b"'abc\\z   \n  \n", "input:3: unfinished string near <eof>"),
        (
            b"x = [[abc",
            "input:1: unfinished long string (starting at line 1) near <eof>",
        ),
        (
            b"\n[==[abc\n]=]\n",
            "input:4: unfinished long string (starting at line 2) near <eof>",
        ),
        (
            b"--[[abc",
            "input:1: unfinished long comment (starting at line 1) near <eof>",
        ),
        (
            br#""a\qb""#,
            r#"input:1: invalid escape sequence near '"a\q'"#,
        ),
        (
            b"\"a\\\x00b\"",
            r#"input:1: invalid escape sequence near '"a\'"#,
        ),
        (
            br#""a\300b""#,
            r#"input:1: decimal escape too large near '"a\300b'"#,
        ),
        (
            br#""a\256""#,
            r#"input:1: decimal escape too large near '"a\256"'"#,
        ),
        (
            br#""a\u{80000000}""#,
            r#"input:1: UTF-8 value too large near '"a\u{80000000'"#,
        ),
        (br#""a\u80""#, r#"input:1: missing '{' near '"a\u8'"#),
        (br#""\u{12x""#, r#"input:1: missing '}' near '"\u{12x'"#),
        (
            br#""\u{}""#,
            r#"input:1: hexadecimal digit expected near '"\u{}'"#,
        ),
        (
            br#""a\xg""#,
            r#"input:1: hexadecimal digit expected near '"a\xg'"#,
        ),
        (
            br#""a\x4""#,
            r#"input:1: hexadecimal digit expected near '"a\x4"'"#,
        ),
        (
            br#""a\x"#,
            r#"input:1: hexadecimal digit expected near '"a\x'"#,
        ),
        (
            br#""\t\65\x\""#,
            "input:1: hexadecimal digit expected near '\"\tA\\x\\'",
        ),
        (b"[=", "input:1: invalid long string delimiter near '[='"),
        (b"[==x", "input:1: invalid long string delimiter near '[=='"),
    ];
    for (src, want) in tests {
        let mut s = Scanner::new(b"=input", src);
        let mut err = None;
        for _ in 0..10 {
            let tok = s.scan();
            if tok.kind == Kind::Illegal {
                err = s.err().cloned();
                break;
            }
            if tok.kind == Kind::Eof {
                break;
            }
        }
        let err = err.unwrap_or_else(|| panic!("scan {src:?}: no error, want {want}"));
        assert_eq!(
            err.to_string(),
            *want,
            "scan {:?}",
            String::from_utf8_lossy(src)
        );
    }
}

#[test]
fn scan_continues_after_error() {
    let got = scan_all(b"a \"b\\q c\" d \"e\nf 3x g [=h").join(" ");
    let want = "name:a illegal:invalid escape sequence near '\"b\\q' name:d \
                illegal:unfinished string near '\"e' name:f illegal:malformed number near '3x' name:g \
                illegal:invalid long string delimiter near '[=' name:h";
    assert_eq!(got, want);
}

#[test]
fn scan_positions() {
    let src = b"local x = [[\nab\n]] -- c\r\n  y\n\r\"s\\\nt\" \r\rz";
    let want: &[(Kind, u32, u32, u32, usize, usize)] = &[
        (Kind::Local, 1, 1, 1, 0, 5),
        (Kind::Name, 1, 7, 1, 6, 7),
        (Kind::Assign, 1, 9, 1, 8, 9),
        (Kind::String, 1, 11, 3, 10, 18),
        (Kind::Name, 4, 3, 4, 27, 28),
        (Kind::String, 5, 1, 6, 30, 36),
        (Kind::Name, 8, 1, 8, 39, 40),
        (Kind::Eof, 8, 2, 8, 40, 40),
    ];
    let mut s = Scanner::new(b"=test", src);
    for (i, w) in want.iter().enumerate() {
        let t = s.scan();
        let got = (t.kind, t.pos.line, t.pos.col, t.end_line, t.off, t.end);
        assert_eq!(got, *w, "token {i}");
    }
}

#[test]
fn scan_line_breaks() {
    // Each of \n, \r, \r\n and \n\r is one line break; \n\n and \r\r are two.
    let tests: &[(&str, u32)] = &[
        ("\n", 1),
        ("\r", 1),
        ("\r\n", 1),
        ("\n\r", 1),
        ("\n\n", 2),
        ("\r\r", 2),
        ("\r\n\r\n", 2),
        ("\n\r\n", 2),
        ("\n\r\r\n", 2),
    ];
    for (sep, lines) in tests {
        for form in ["a%sb", "a--c%sb", "a--[[%s]]b", "a[[%s]]b", "a'\\%s'b"] {
            if *lines > 1 && form.contains('\'') {
                continue; // only one line break may be escaped
            }
            let src = form.replacen("%s", sep, 1);
            let mut s = Scanner::new(b"=test", src.as_bytes());
            let mut last = Token::default();
            loop {
                let tok = s.scan();
                if tok.kind == Kind::Eof {
                    break;
                }
                last = tok;
            }
            assert!(
                last.kind == Kind::Name && last.pos.line == 1 + lines,
                "{src:?}: last token at {}, want line {}",
                last.pos,
                1 + lines
            );
        }
    }
}

#[test]
fn skip_shebang() {
    let tests: &[(&[u8], &str)] = &[
        (b"#!/usr/bin/lua\nreturn x", "return x@2"),
        (b"# comment\r\nreturn x", "return x@2"),
        (b"\xEF\xBB\xBF#!lua\nreturn x", "return x@2"),
        (b"\xEF\xBB\xBFreturn x", "return x@1"),
        (b"#", ""),
        (b"return x", "return x@1"),
    ];
    for (src, want) in tests {
        let mut s = Scanner::new(b"=test", src);
        s.skip_first_line();
        let mut parts = Vec::new();
        let mut line = 0;
        loop {
            let tok = s.scan();
            if tok.kind == Kind::Eof {
                break;
            }
            if tok.kind == Kind::Name {
                parts.push(String::from_utf8_lossy(&tok.str).into_owned());
            } else {
                parts.push(tok.kind.as_str().to_string());
            }
            line = tok.pos.line;
        }
        let mut got = parts.join(" ");
        if !got.is_empty() {
            got += &format!("@{line}");
        }
        assert_eq!(got, *want, "{src:?}");
    }
}

#[test]
fn kind_strings() {
    for k in Kind::ALL {
        assert!(!k.as_str().is_empty(), "kind {k:?} has no name");
    }
    assert_eq!(Kind::Eof.quoted(), "<eof>");
    assert_eq!(Kind::End.quoted(), "'end'");
    let mut n = 0;
    for &k in Kind::ALL {
        if k.is_keyword() {
            n += 1;
            assert_eq!(Kind::keyword(k.as_str().as_bytes()), k);
        }
    }
    assert_eq!(n, 22, "reserved words");
    // Near misses: a keyword's first byte and length, or its length and all
    // but one byte.
    let misses = [
        "",
        "a",
        "And",
        "ands",
        "functions",
        "goto_",
        "whi",
        "ant",
        "if_",
        "ix",
        "ib",
        "nix",
        "nol",
        "rebeat",
        "retuRn",
        "thin",
        "trUe",
        "tx",
        "elsE",
        "elsif",
        "fun",
        "falsy",
        "functiox",
        "o",
        "on",
        "untie",
        "whale",
        "doo",
        "d",
        "e",
        "lokal",
        "gato",
        "brake",
    ];
    for w in misses {
        assert_eq!(Kind::keyword(w.as_bytes()), Kind::Name, "keyword({w:?})");
    }
}

/// The scanner ends on any input, always moves forward, and keeps tokens
/// inside the source (the Go version's FuzzScan, over a fixed corpus of
/// awkward inputs).
#[test]
fn scan_invariants() {
    let mut inputs: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"\"\\".to_vec(),
        b"--[==[".to_vec(),
        b"[==".to_vec(),
        b"0x1p".to_vec(),
        b"'\\u{'".to_vec(),
        b"'\\z".to_vec(),
        b"\r\n\n\r".to_vec(),
        b"\"\\\r".to_vec(),
    ];
    // A deterministic pseudo-random soup of troublesome bytes.
    let alphabet = b"\"'\\[]=-\n\r xXpPeE.0123456789abfuz{}()#+<>~:;,\t\x00\xff";
    let mut state: u32 = 12345;
    for _ in 0..2000 {
        let mut v = Vec::new();
        state = state.wrapping_mul(1103515245).wrapping_add(12345);
        for _ in 0..(state >> 16) % 24 {
            state = state.wrapping_mul(1103515245).wrapping_add(12345);
            v.push(alphabet[(state >> 16) as usize % alphabet.len()]);
        }
        inputs.push(v);
    }
    for src in &inputs {
        let mut s = Scanner::new(b"=fuzz", src);
        let mut last = 0;
        let mut ended = false;
        for _ in 0..src.len() + 2 {
            let tok = s.scan();
            assert!(
                tok.off >= last && tok.end >= tok.off && tok.end <= src.len(),
                "{src:?}: token {:?} at [{}:{}] after {last}",
                tok.kind,
                tok.off,
                tok.end
            );
            assert!(tok.end_line >= tok.pos.line && tok.pos.line >= 1 && tok.pos.col >= 1);
            if tok.kind == Kind::Illegal {
                assert!(s.err().is_some_and(|e| !e.msg.is_empty()));
            }
            if tok.kind == Kind::Eof {
                assert_eq!(tok.off, src.len());
                ended = true;
                break;
            }
            assert!(
                tok.end > tok.off || tok.kind == Kind::Illegal,
                "empty token"
            );
            last = tok.end;
        }
        assert!(ended, "{src:?}: no end");
    }
}
