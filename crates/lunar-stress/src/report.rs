//! The report of a `lunar stress` run: `report.json` (every figure and
//! the machine, the [`Report`] as is), `report.html` (one self-contained
//! page: inline CSS and SVG charts, no script, no network), a plain-text
//! summary for the terminal, and a PNG screenshot of the page taken with
//! headless Chromium for the README.
//!
//! The page is built from the report alone; nothing here measures.
//!
//! ```
//! use lunar_stress::model::{GeneratorInfo, Machine, Report};
//! use lunar_stress::report;
//!
//! let run = Report {
//!     lunar_version: "0.1.0".to_string(),
//!     build: String::new(),
//!     started_utc: "2026-12-07T06:00:00Z".to_string(),
//!     duration_s: 12.5,
//!     mode: "quick".to_string(),
//!     target: None,
//!     machine: Machine::default(),
//!     generator: GeneratorInfo::default(),
//!     tests: Vec::new(),
//! };
//! let dir = std::env::temp_dir().join(format!("lunar-report-doc-{}", std::process::id()));
//! report::write(&run, &dir)?;
//! assert!(dir.join("report.html").is_file() && dir.join("report.json").is_file());
//! assert!(report::summary_text(&run).contains("0 of 0 tests passed"));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), String>(())
//! ```

mod browser;
mod charts;
mod fmt;
mod html;
mod summary;

/// The sample reports name the model as `super::model` (see sample.rs).
#[cfg(test)]
use crate::model;
use crate::model::Report;
use std::path::Path;

pub use browser::{dump_dom, find_chromium, screenshot};

/// One chart of the report: an SVG document drawn by plotters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// Unique in the report: the test's id and the chart's kind, e.g.
    /// `stepped_qps-latency`. The page puts the chart in
    /// `<figure id="chart-ID">`.
    pub id: String,
    /// The chart's title (the figure's caption starts with it).
    pub title: String,
    /// The SVG document (`<svg ...>...</svg>`, no XML declaration).
    pub svg: String,
}

/// Writes `dir/report.json` (serde_json pretty, the Report as is) and
/// `dir/report.html`; creates `dir` if needed.
pub fn write(report: &Report, dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let json = serde_json::to_string_pretty(report)
        .map_err(|e| format!("cannot serialise the report: {e}"))?;
    let json_path = dir.join("report.json");
    std::fs::write(&json_path, json + "\n")
        .map_err(|e| format!("cannot write {}: {e}", json_path.display()))?;
    let html_path = dir.join("report.html");
    std::fs::write(&html_path, render_html(report))
        .map_err(|e| format!("cannot write {}: {e}", html_path.display()))?;
    Ok(())
}

/// The report as one self-contained HTML page: the run and the machine,
/// then per test its verdict, targets, notes, charts and figures.
pub fn render_html(report: &Report) -> String {
    html::render(report, &charts::slots(report))
}

/// The charts with data, each an SVG document (plotters
/// `SVGBackend::with_string`), in the order the page shows them. A
/// chart whose data is empty is left out (the page says so instead).
pub fn charts(report: &Report) -> Vec<Chart> {
    charts::slots(report)
        .iter()
        .filter_map(charts::Slot::chart)
        .collect()
}

/// A plain-text summary for the terminal: one line per test (verdict,
/// the test's id and its key figure), then the failed targets. No colour
/// codes.
pub fn summary_text(report: &Report) -> String {
    summary::text(report)
}

#[cfg(test)]
pub(crate) mod sample;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Figures, Verdict};

    #[test]
    fn json_round_trips() {
        let report = sample::report();
        let dir = sample::temp_dir("json");
        write(&report, &dir).unwrap();
        let text = std::fs::read_to_string(dir.join("report.json")).unwrap();
        let back: Report = serde_json::from_str(&text).unwrap();
        // Every figure survives: serialising again gives the same JSON
        // (floats to within serde_json's parsing, which may miss the
        // last digit).
        let again = serde_json::to_value(&back).unwrap();
        let first: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_same(&again, &first, "$");
        assert_eq!(back.tests.len(), report.tests.len());
        assert!(matches!(back.tests[1].figures, Figures::Scaling(_)));
        assert!(matches!(back.tests[4].figures, Figures::Soak(_)));
        assert!(dir.join("report.html").is_file());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Asserts two JSON values are equal, numbers to 1e-12 relative.
    fn assert_same(a: &serde_json::Value, b: &serde_json::Value, at: &str) {
        use serde_json::Value;
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                assert!(
                    (x - y).abs() <= 1e-12 * x.abs().max(y.abs()),
                    "{at}: {x} != {y}"
                );
            }
            (Value::Array(x), Value::Array(y)) => {
                assert_eq!(x.len(), y.len(), "{at}: lengths differ");
                for (i, (x, y)) in x.iter().zip(y).enumerate() {
                    assert_same(x, y, &format!("{at}[{i}]"));
                }
            }
            (Value::Object(x), Value::Object(y)) => {
                assert_eq!(
                    x.keys().collect::<Vec<_>>(),
                    y.keys().collect::<Vec<_>>(),
                    "{at}: fields differ"
                );
                for (k, v) in x {
                    assert_same(v, &y[k], &format!("{at}.{k}"));
                }
            }
            _ => assert_eq!(a, b, "{at}"),
        }
    }

    #[test]
    fn html_escapes_notes() {
        let mut report = sample::report();
        report.tests[0]
            .notes
            .push("<script>alert('x')</script> & more".to_string());
        report.machine.cpu_model = "Evil <b>CPU</b>".to_string();
        let html = render_html(&report);
        assert!(!html.contains("<script>"), "a script tag got through");
        assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"));
        assert!(html.contains("Evil &lt;b&gt;CPU&lt;/b&gt;"));
    }

    #[test]
    fn every_chart_is_in_a_figure() {
        let report = sample::report();
        let html = render_html(&report);
        let charts = charts(&report);
        assert_eq!(charts.len(), 6);
        for chart in &charts {
            assert!(chart.svg.starts_with("<svg"), "{} is not an SVG", chart.id);
            assert!(chart.svg.contains("<polyline") || chart.svg.contains("<rect"));
            assert!(html.contains(&format!("<figure id=\"chart-{}\"", chart.id)));
        }
        assert_eq!(html.matches("<figure id=\"chart-").count(), charts.len());
        assert!(!html.contains("has no data"));
    }

    #[test]
    fn empty_figures_still_render() {
        let report = sample::empty_report();
        let charts = charts(&report);
        assert!(charts.is_empty());
        let html = render_html(&report);
        assert!(!html.contains("<figure"));
        assert_eq!(html.matches("has no data").count(), 6, "{html}");
        assert!(html.contains("no step completed a request"));
        let text = summary_text(&report);
        for test in &report.tests {
            assert!(text.contains(&test.id));
        }
    }

    #[test]
    fn odd_values_do_not_panic() {
        let mut report = sample::report();
        for test in &mut report.tests {
            match &mut test.figures {
                Figures::Stepped(f) => {
                    f.steps[0].latency.p99_ms = f64::NAN;
                    f.steps[1].achieved_rps = f64::INFINITY;
                    f.steps[2].offered_rps = 0.0;
                    f.p99_target_ms = -1.0;
                    f.peak_step = Some(99);
                }
                Figures::Scaling(f) => {
                    f.points[0].saturation_rps = f64::NAN;
                    f.points[1].workers = 0;
                    f.seed_rps_per_core = f64::NEG_INFINITY;
                }
                Figures::ColdStart(f) => f.starts.truncate(1),
                Figures::Mixed(f) => f.light_loaded.latency.p999_ms = f64::NAN,
                Figures::Soak(f) => {
                    f.rss = vec![(0.0, 12.0)];
                    f.restart_at_s = Some(f64::NAN);
                }
            }
        }
        let html = render_html(&report);
        assert_eq!(
            html.matches("<figure id=\"chart-").count(),
            charts(&report).len()
        );
        assert_eq!(charts(&report).len(), 6);
        assert!(!html.contains("NaN"), "NaN in the page");
        for chart in charts(&report) {
            assert!(!chart.svg.contains("inf"), "{}: infinity drawn", chart.id);
        }
        assert!(!summary_text(&report).is_empty());
    }

    #[test]
    fn summary_names_every_test_and_failed_target() {
        let report = sample::report();
        let text = summary_text(&report);
        for test in &report.tests {
            assert!(text.contains(&test.id), "{} missing:\n{text}", test.id);
        }
        let failed: Vec<_> = report
            .tests
            .iter()
            .filter(|t| t.verdict == Verdict::Fail)
            .collect();
        assert!(!failed.is_empty(), "the sample should fail a target");
        for test in failed {
            for target in test.targets.iter().filter(|t| !t.met) {
                assert!(text.contains(&target.what), "{text}");
            }
        }
        assert!(!text.contains('\u{1b}'), "colour codes in the summary");
    }

    #[test]
    fn summary_has_one_line_per_test() {
        let report = sample::report();
        let text = summary_text(&report);
        println!("{text}");
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].contains("4 of 5 tests passed"), "{}", lines[0]);
        for (line, test) in lines[1..].iter().zip(&report.tests) {
            let verdict = if test.verdict == Verdict::Pass {
                "PASS"
            } else {
                "FAIL"
            };
            assert!(line.starts_with(verdict), "{line}");
            assert!(line.contains(&test.id), "{line}");
        }
        assert!(lines[1].contains("saturation 40000 req/s"), "{}", lines[1]);
        assert!(
            lines[2].contains("efficiency 0.76 at k = 4"),
            "{}",
            lines[2]
        );
        assert!(lines[3].contains("102 ms at 1000 scripts"), "{}", lines[3]);
        assert!(lines[5].contains("1 lost"), "{}", lines[5]);
        assert_eq!(lines[6], "failed targets:");
        assert_eq!(lines.len(), 8, "{text}");
    }

    #[test]
    fn links_profile_and_metrics() {
        let report = sample::report();
        let html = render_html(&report);
        assert!(html.contains("href=\"profile-peak.svg\""));
        assert!(html.contains("href=\"metrics-peak.txt\""));
    }
}
