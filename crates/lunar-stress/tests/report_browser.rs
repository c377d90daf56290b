//! Opens the report in headless Chromium and checks what a reader would
//! see: every chart's SVG laid out with a non-zero size, with shapes and
//! text drawn; a report without data shows no chart and says so; the
//! screenshot is a PNG of the whole page.
//!
//! Without Chromium the tests print "skipped: chromium not installed"
//! and pass, unless `LUNAR_REQUIRE_CHROMIUM=1` (CI installs Chromium and
//! sets it). `LUNAR_REPORT_KEEP=DIR` keeps the sample report and its
//! screenshot in DIR, to look at them.

use lunar_stress::model;
use lunar_stress::report;
use std::path::Path;

#[path = "../src/report/sample.rs"]
mod sample;

/// Appended to a copy of the page: on load, one record per chart figure
/// (its SVG's laid-out size, the shapes in it, the text elements that
/// have a non-zero box, i.e. a font rendered them), as JSON in
/// `<pre id="check">`.
const CHECK: &str = r#"<pre id="check">pending</pre>
<script>
window.addEventListener('load', function () {
  var figures = [];
  document.querySelectorAll('figure[id^="chart-"]').forEach(function (f) {
    var svg = f.querySelector('svg');
    var rec = { id: f.id, svg: !!svg, width: 0, height: 0, shapes: 0, texts: 0 };
    if (svg) {
      var r = svg.getBoundingClientRect();
      rec.width = r.width;
      rec.height = r.height;
      rec.shapes = svg.querySelectorAll('path, polyline, polygon, rect, circle, line').length;
      rec.texts = Array.prototype.filter.call(svg.querySelectorAll('text'), function (t) {
        var b = t.getBBox();
        return b.width > 0 && b.height > 0;
      }).length;
    }
    figures.push(rec);
  });
  var nodata = document.querySelectorAll('.nodata[id^="nochart-"]').length;
  document.getElementById('check').textContent =
    JSON.stringify({ figures: figures, nodata: nodata });
});
</script>
"#;

/// What the check script found in one figure.
#[derive(Debug, serde::Deserialize)]
struct Figure {
    id: String,
    svg: bool,
    width: f64,
    height: f64,
    shapes: usize,
    texts: usize,
}

/// What the check script found in the page.
#[derive(Debug, serde::Deserialize)]
struct Check {
    figures: Vec<Figure>,
    nodata: usize,
}

/// True when Chromium is there; else skips (or fails when it is
/// required).
fn have_chromium() -> bool {
    if report::find_chromium().is_some() {
        return true;
    }
    if std::env::var("LUNAR_REQUIRE_CHROMIUM").as_deref() == Ok("1") {
        panic!("chromium is not installed and LUNAR_REQUIRE_CHROMIUM=1");
    }
    println!("skipped: chromium not installed");
    false
}

/// Loads a copy of `html` with the check script in Chromium and returns
/// what the script found.
fn check(html: &Path) -> Check {
    let page = std::fs::read_to_string(html).unwrap();
    let at = page.rfind("</body>").expect("the page has a </body>");
    let copy = html.with_file_name("check.html");
    std::fs::write(&copy, format!("{}{CHECK}{}", &page[..at], &page[at..])).unwrap();
    let dom = report::dump_dom(&copy).unwrap();
    let start = dom
        .find("<pre id=\"check\">")
        .expect("the dumped DOM has the check element")
        + "<pre id=\"check\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let text = dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("the check wrote {text:?}: {e}"))
}

/// Copies the report's files to `$LUNAR_REPORT_KEEP/name/` when set.
fn keep(dir: &Path, name: &str) {
    if let Some(to) = std::env::var_os("LUNAR_REPORT_KEEP") {
        let to = Path::new(&to).join(name);
        std::fs::create_dir_all(&to).unwrap();
        for name in ["report.html", "report.json", "report.png"] {
            if dir.join(name).is_file() {
                std::fs::copy(dir.join(name), to.join(name)).unwrap();
            }
        }
    }
}

#[test]
fn every_chart_renders() {
    if !have_chromium() {
        return;
    }
    let report = sample::report();
    let dir = sample::temp_dir("browser-charts");
    report::write(&report, &dir).unwrap();
    let found = check(&dir.join("report.html"));
    let charts = report::charts(&report);
    assert_eq!(found.figures.len(), charts.len(), "{found:?}");
    assert!(charts.len() >= 4);
    assert_eq!(found.nodata, 0);
    for (fig, chart) in found.figures.iter().zip(&charts) {
        assert_eq!(fig.id, format!("chart-{}", chart.id));
        assert!(fig.svg, "{}: no svg", fig.id);
        assert!(fig.width > 100.0 && fig.height > 100.0, "{fig:?}");
        assert!(fig.shapes > 20, "{}: only {} shapes", fig.id, fig.shapes);
        // Axis labels and legend at least: text the browser laid out.
        assert!(
            fig.texts > 5,
            "{}: only {} texts rendered",
            fig.id,
            fig.texts
        );
    }
    keep(&dir, "charts");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_report_without_data_shows_no_chart() {
    if !have_chromium() {
        return;
    }
    let report = sample::empty_report();
    let dir = sample::temp_dir("browser-empty");
    report::write(&report, &dir).unwrap();
    let found = check(&dir.join("report.html"));
    assert_eq!(found.figures.len(), report::charts(&report).len());
    assert_eq!(found.figures.len(), 0);
    assert_eq!(found.nodata, 6, "every planned chart says it has no data");
    keep(&dir, "empty");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_screenshot_is_the_whole_page() {
    if !have_chromium() {
        return;
    }
    let report = sample::report();
    let dir = sample::temp_dir("browser-shot");
    report::write(&report, &dir).unwrap();
    let png = dir.join("report.png");
    report::screenshot(&dir.join("report.html"), &png).unwrap();
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!(width, 1280);
    // Six charts of 440 pixels and the tables: far taller than a window.
    assert!(height > 6 * 440, "the screenshot is {width}x{height}");
    keep(&dir, "screenshot");
    std::fs::remove_dir_all(&dir).unwrap();
}
