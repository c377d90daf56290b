//! Text helpers shared by the page and the terminal summary: HTML
//! escaping and the number formats the report prints.

/// Escapes `s` for HTML text and attribute values (both quote kinds), so
/// that any note, route or CPU model reads as text and never as markup.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// A measured value with as many decimals as its size deserves: four
/// significant figures or so, never scientific notation. Not-a-number
/// and infinities print as a dash (a figure that was not measured).
pub(crate) fn num(v: f64) -> String {
    if !v.is_finite() {
        return "\u{2013}".to_string();
    }
    let a = v.abs();
    if a >= 100.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// Milliseconds, e.g. `3.20 ms`.
pub(crate) fn ms(v: f64) -> String {
    format!("{} ms", num(v))
}

/// A rate, e.g. `12345 req/s`.
pub(crate) fn rps(v: f64) -> String {
    format!("{} req/s", num(v))
}

/// A share as a percentage, e.g. `0.12%`.
pub(crate) fn pct(ratio: f64) -> String {
    if !ratio.is_finite() {
        return "\u{2013}".to_string();
    }
    format!("{:.2}%", ratio * 100.0)
}

/// CPU use in cores, e.g. `1.93`; `None` (not measured) as a dash.
pub(crate) fn cores(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{v:.2}"),
        _ => "\u{2013}".to_string(),
    }
}

/// An axis tick label: short, with `k` and `M` for thousands and
/// millions, trailing zeros dropped (`2.5k`, `100`, `0.25`).
pub(crate) fn axis(v: f64) -> String {
    let a = v.abs();
    let (scaled, suffix) = if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e3 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    let mut s = format!("{scaled:.3}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".to_string();
    }
    s + suffix
}

/// A CPU list in the kernel's compact form: `0-3,8,10-11`; `none` when
/// empty.
pub(crate) fn cpu_list(cpus: &[usize]) -> String {
    if cpus.is_empty() {
        return "none".to_string();
    }
    let mut sorted = cpus.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parts = Vec::new();
    let mut start = sorted[0];
    let mut prev = sorted[0];
    for &c in &sorted[1..] {
        if c == prev + 1 {
            prev = c;
            continue;
        }
        parts.push(range_text(start, prev));
        start = c;
        prev = c;
    }
    parts.push(range_text(start, prev));
    parts.join(",")
}

fn range_text(a: usize, b: usize) -> String {
    if a == b {
        a.to_string()
    } else {
        format!("{a}-{b}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn numbers_by_size() {
        assert_eq!(num(12345.6), "12346");
        assert_eq!(num(42.25), "42.2");
        assert_eq!(num(3.256), "3.26");
        assert_eq!(num(0.1234), "0.123");
        assert_eq!(num(0.0), "0");
        assert_eq!(num(f64::NAN), "\u{2013}");
        assert_eq!(pct(0.0125), "1.25%");
        assert_eq!(cores(None), "\u{2013}");
    }

    #[test]
    fn axis_labels_are_short() {
        assert_eq!(axis(2500.0), "2.5k");
        assert_eq!(axis(100.0), "100");
        assert_eq!(axis(0.25), "0.25");
        assert_eq!(axis(3_000_000.0), "3M");
        assert_eq!(axis(0.0), "0");
    }

    #[test]
    fn cpu_lists_compress_runs() {
        assert_eq!(cpu_list(&[3, 0, 1, 2, 8, 10, 11]), "0-3,8,10-11");
        assert_eq!(cpu_list(&[5]), "5");
        assert_eq!(cpu_list(&[]), "none");
    }
}
