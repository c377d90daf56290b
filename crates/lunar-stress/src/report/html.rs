//! The HTML page: one self-contained file (inline CSS, inline SVG, no
//! script, no network), every text escaped.
//!
//! Layout: a header with the run, the machine and the generator; a
//! table of verdicts; then one section per test with its badge, targets,
//! notes, charts and the figures as tables.

use super::charts::Slot;
use super::fmt::{cores, cpu_list, esc, ms, num, pct, rps};
use super::summary::key_figure;
use crate::model::{
    ColdStartFigures, Figures, MixedFigures, Report, ScalingFigures, SoakFigures, StepResult,
    SteppedFigures, TestEntry, Verdict,
};
use std::fmt::Write;

/// Sober, print-friendly styling with the system font.
const CSS: &str = r#"
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1f2328; background: #fff; margin: 0 auto; max-width: 1180px; padding: 24px 28px 48px;
  line-height: 1.45; font-size: 15px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 0 0 8px; display: flex; align-items: center; gap: 10px; }
h3 { font-size: 16px; margin: 20px 0 6px; }
.sub { color: #59636e; margin: 0 0 16px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(330px, 1fr)); gap: 4px 28px; }
table { border-collapse: collapse; margin: 6px 0 14px; font-size: 13.5px; }
th, td { border-bottom: 1px solid #d1d9e0; padding: 4px 10px 4px 0; text-align: left; vertical-align: top; }
th { font-weight: 600; color: #424a53; white-space: nowrap; }
table.kv th { width: 13em; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; padding-left: 12px;
  white-space: nowrap; }
div.wide { overflow-x: auto; max-width: 100%; }
table.steps { font-size: 12.5px; }
table.steps th.n { white-space: normal; min-width: 4.2em; }
table.steps td.mono { font-size: 11.5px; }
tr.peak td { background: #fff8c5; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 4px; color: #fff;
  font-weight: 700; font-size: 13px; letter-spacing: 0.04em; }
.pass { background: #1a7f37; } .fail { background: #cf222e; }
.met { color: #1a7f37; font-weight: 600; } .missed { color: #cf222e; font-weight: 700; }
.testid { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px;
  color: #59636e; font-weight: 400; }
section.test { border-top: 2px solid #d1d9e0; margin-top: 30px; padding-top: 16px; }
figure { margin: 12px 0 18px; }
figure svg { display: block; max-width: 100%; height: auto; border: 1px solid #e6e9ed; }
figcaption { font-size: 13.5px; color: #424a53; margin-top: 4px; max-width: 820px; }
figcaption b { color: #1f2328; }
.nodata { color: #59636e; font-style: italic; border: 1px dashed #d1d9e0; padding: 10px 14px;
  max-width: 790px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
ul.notes { margin: 4px 0 12px; padding-left: 20px; }
details { margin: 4px 0 12px; } summary { cursor: pointer; color: #0969da; }
footer { margin-top: 36px; color: #59636e; font-size: 13px; }
"#;

/// Renders the page from the report and its planned charts.
pub(crate) fn render(report: &Report, slots: &[Slot]) -> String {
    let mut h = String::with_capacity(256 * 1024);
    let passed = report
        .tests
        .iter()
        .filter(|t| t.verdict == Verdict::Pass)
        .count();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>lunar stress report \u{2014} {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        esc(&report.started_utc)
    );
    let _ = writeln!(
        h,
        "<header>\n<h1>lunar stress report</h1>\n<p class=\"sub\">{} of {} tests passed \
         \u{b7} {} run started {} \u{b7} {} s \u{b7} lunar {}</p>",
        passed,
        report.tests.len(),
        esc(&report.mode),
        esc(&report.started_utc),
        num(report.duration_s),
        esc(&report.lunar_version)
    );
    header(&mut h, report);
    h.push_str("</header>\n");
    overview(&mut h, report);
    for (i, test) in report.tests.iter().enumerate() {
        let test_slots: Vec<&Slot> = slots.iter().filter(|s| s.test == i).collect();
        section(&mut h, test, &test_slots);
    }
    h.push_str(
        "<footer>Written by <code>lunar stress</code>. Every figure on this page is also \
         in <a href=\"report.json\">report.json</a>. Latency is measured from each \
         request's intended send time (open loop); CPU in cores (1.00 = one core busy \
         throughout).</footer>\n</body>\n</html>\n",
    );
    h
}

/// The run, the machine and the generator, as key/value tables.
fn header(h: &mut String, report: &Report) {
    let m = &report.machine;
    h.push_str("<div class=\"grid\">\n<div>\n<h3>Run</h3>\n<table class=\"kv\">\n");
    kv(h, "lunar version", &esc(&report.lunar_version));
    if !report.build.is_empty() {
        kv(h, "build", &esc(&report.build));
    }
    kv(h, "started (UTC)", &esc(&report.started_utc));
    kv(h, "mode", &esc(&report.mode));
    kv(h, "duration", &format!("{} s", num(report.duration_s)));
    kv(
        h,
        "server",
        &match &report.target {
            None => "a <code>lunar serve</code> started by the suite".to_string(),
            Some(url) => format!("remote target <code>{}</code>", esc(url)),
        },
    );
    let g = &report.generator;
    kv(h, "generator connections", &g.connections.to_string());
    kv(h, "generator threads", &g.threads.to_string());
    kv(
        h,
        "generator CPUs",
        &if g.cpus.is_empty() {
            "not pinned".to_string()
        } else {
            esc(&cpu_list(&g.cpus))
        },
    );
    h.push_str("</table>\n</div>\n<div>\n<h3>Machine</h3>\n<table class=\"kv\">\n");
    kv(h, "CPU model", &esc(&m.cpu_model));
    kv(h, "logical CPUs", &m.logical_cpus.to_string());
    kv(h, "physical cores", &m.physical_cores.to_string());
    let smt = if m.threads_per_core > 1 {
        let groups: Vec<String> = m
            .smt_groups
            .iter()
            .filter(|g| g.len() > 1)
            .map(|g| format!("{{{}}}", cpu_list(g)))
            .collect();
        format!(
            "on, {} threads per core{}",
            m.threads_per_core,
            if groups.is_empty() {
                String::new()
            } else {
                format!(" <span class=\"mono\">{}</span>", esc(&groups.join(" ")))
            }
        )
    } else {
        "off (1 thread per core)".to_string()
    };
    kv(h, "SMT", &smt);
    let numa = if m.numa_nodes.is_empty() {
        "unknown".to_string()
    } else {
        let nodes: Vec<String> = m
            .numa_nodes
            .iter()
            .map(|n| format!("node {}: CPUs {}", n.id, cpu_list(&n.cpus)))
            .collect();
        format!("{} ({})", m.numa_nodes.len(), esc(&nodes.join("; ")))
    };
    kv(h, "NUMA nodes", &numa);
    kv(h, "memory", &format!("{} GiB", num(m.memory_mib / 1024.0)));
    kv(h, "kernel", &esc(&m.kernel));
    kv(h, "OS", &esc(&m.os));
    h.push_str("</table>\n</div>\n</div>\n");
}

/// The verdicts at a glance, linking to each test's section.
fn overview(h: &mut String, report: &Report) {
    h.push_str(
        "<h3>Verdicts</h3>\n<table>\n<tr><th>test</th><th>verdict</th><th>targets met</th>\
         <th>key figure</th></tr>\n",
    );
    for test in &report.tests {
        let met = test.targets.iter().filter(|t| t.met).count();
        let _ = writeln!(
            h,
            "<tr><td><a href=\"#test-{}\">{}</a> <span class=\"testid\">{}</span></td>\
             <td>{}</td><td class=\"n\">{} / {}</td><td>{}</td></tr>",
            esc(&test.id),
            esc(&test.name),
            esc(&test.id),
            badge(test.verdict),
            met,
            test.targets.len(),
            esc(&key_figure(test))
        );
    }
    h.push_str("</table>\n");
}

fn badge(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "<span class=\"badge pass\">PASS</span>",
        Verdict::Fail => "<span class=\"badge fail\">FAIL</span>",
    }
}

/// One `<tr>` of a key/value table; `value` is already HTML.
fn kv(h: &mut String, key: &str, value: &str) {
    let _ = writeln!(h, "<tr><th>{}</th><td>{value}</td></tr>", esc(key));
}

/// One test: title and badge, targets, notes, charts, figures.
fn section(h: &mut String, test: &TestEntry, slots: &[&Slot]) {
    let _ = writeln!(
        h,
        "<section class=\"test\" id=\"test-{}\">\n<h2>{} {} <span class=\"testid\">{}</span></h2>",
        esc(&test.id),
        esc(&test.name),
        badge(test.verdict),
        esc(&test.id)
    );
    h.push_str("<h3>Targets</h3>\n");
    if test.targets.is_empty() {
        h.push_str("<p class=\"nodata\">No target was set for this test.</p>\n");
    } else {
        h.push_str("<table>\n<tr><th>what</th><th>goal</th><th>measured</th><th>met</th></tr>\n");
        for t in &test.targets {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&t.what),
                esc(&t.goal),
                esc(&t.actual),
                if t.met {
                    "<span class=\"met\">\u{2713} yes</span>"
                } else {
                    "<span class=\"missed\">\u{2717} no</span>"
                }
            );
        }
        h.push_str("</table>\n");
    }
    if !test.notes.is_empty() {
        h.push_str("<h3>Notes</h3>\n<ul class=\"notes\">\n");
        for note in &test.notes {
            let _ = writeln!(h, "<li>{}</li>", esc(note));
        }
        h.push_str("</ul>\n");
    }
    for slot in slots {
        chart(h, slot);
    }
    h.push_str("<h3>Figures</h3>\n");
    match &test.figures {
        Figures::Stepped(f) => stepped(h, f),
        Figures::Scaling(f) => scaling(h, f),
        Figures::ColdStart(f) => cold_start(h, f),
        Figures::Mixed(f) => mixed(h, f),
        Figures::Soak(f) => soak(h, f),
    }
    h.push_str("</section>\n");
}

/// A drawn chart in its figure, or the sentence saying why there is none.
fn chart(h: &mut String, slot: &Slot) {
    match &slot.svg {
        Ok(svg) => {
            // The SVG goes in as plotters wrote it (it escapes its own
            // text); an accessible name is added to its root element.
            let svg = svg.replacen(
                "<svg ",
                &format!("<svg role=\"img\" aria-label=\"{}\" ", esc(&slot.title)),
                1,
            );
            let _ = writeln!(
                h,
                "<figure id=\"chart-{}\">\n{}<figcaption><b>{}.</b> {}</figcaption>\n</figure>",
                esc(&slot.id),
                svg.trim_end(),
                esc(&slot.title),
                esc(&slot.caption)
            );
        }
        Err(why) => {
            let _ = writeln!(
                h,
                "<p class=\"nodata\" id=\"nochart-{}\">Chart \u{201c}{}\u{201d} has no data: {}.</p>",
                esc(&slot.id),
                esc(&slot.title),
                esc(why)
            );
        }
    }
}

/// A link to a file beside the report, or a dash. Names with a scheme
/// or an absolute path are shown, not linked: the report only links to
/// its own files.
fn file_link(name: &Option<String>, what: &str) -> String {
    match name {
        Some(n) if !n.contains(':') && !n.starts_with('/') && !n.starts_with('\\') => {
            format!("<a href=\"{}\">{}</a> ({})", esc(n), esc(n), esc(what))
        }
        Some(n) => format!("<code>{}</code> ({})", esc(n), esc(what)),
        None => "not captured".to_string(),
    }
}

/// The column headers of a step table.
const STEP_HEAD: &str = "<tr><th class=\"n\">offered req/s</th><th class=\"n\">achieved req/s</th>\
<th class=\"n\">sent</th><th class=\"n\">ok</th><th class=\"n\">errors</th>\
<th class=\"n\">p50 ms</th><th class=\"n\">p90 ms</th><th class=\"n\">p99 ms</th>\
<th class=\"n\">p99.9 ms</th><th class=\"n\">max ms</th><th class=\"n\">server CPU</th>\
<th class=\"n\">generator CPU</th><th class=\"n\">send lag ms</th><th>statuses</th></tr>\n";

/// One step as a table row (`label`, when given, opens the row).
fn step_row(h: &mut String, s: &StepResult, class: &str, label: Option<&str>) {
    let statuses: Vec<String> = s
        .statuses
        .iter()
        .map(|(code, n)| format!("{code}: {n}"))
        .chain((s.transport_errors > 0).then(|| format!("transport: {}", s.transport_errors)))
        .chain((s.timeouts > 0).then(|| format!("timeouts: {}", s.timeouts)))
        .chain((s.retried > 0).then(|| format!("retried: {}", s.retried)))
        .chain((s.disconnects > 0).then(|| format!("disconnects: {}", s.disconnects)))
        .collect();
    let _ = write!(h, "<tr class=\"{class}\">");
    if let Some(label) = label {
        let _ = write!(h, "<td>{label}</td>");
    }
    let _ = writeln!(
        h,
        "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
         <td class=\"n\">{}</td><td class=\"n\">{} ({})</td><td class=\"n\">{}</td>\
         <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
         <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
         <td class=\"n\">{}</td><td class=\"mono\">{}</td></tr>",
        num(s.offered_rps),
        num(s.achieved_rps),
        s.sent,
        s.ok,
        s.errors,
        pct(s.error_ratio()),
        num(s.latency.p50_ms),
        num(s.latency.p90_ms),
        num(s.latency.p99_ms),
        num(s.latency.p999_ms),
        num(s.latency.max_ms),
        cores(s.server_cpu),
        cores(Some(s.generator_cpu)),
        num(s.send_lag_ms),
        esc(&statuses.join(", "))
    );
}

/// A table of steps, the `peak` one highlighted.
fn step_table(h: &mut String, steps: &[StepResult], peak: Option<usize>) {
    if steps.is_empty() {
        h.push_str("<p class=\"nodata\">No step was run.</p>\n");
        return;
    }
    h.push_str("<div class=\"wide\"><table class=\"steps\">\n");
    h.push_str(STEP_HEAD);
    for (i, s) in steps.iter().enumerate() {
        step_row(h, s, if Some(i) == peak { "peak" } else { "" }, None);
    }
    h.push_str("</table></div>\n");
}

fn stepped(h: &mut String, f: &SteppedFigures) {
    h.push_str("<table class=\"kv\">\n");
    kv(h, "route", &format!("<code>{}</code>", esc(&f.route)));
    kv(h, "server workers", &f.workers.to_string());
    kv(h, "p99 target per step", &ms(f.p99_target_ms));
    kv(h, "error budget per step", &pct(f.error_budget));
    kv(h, "saturation rate", &rps(f.saturation_rps));
    kv(
        h,
        "peak step",
        &match f.peak_step.and_then(|i| f.steps.get(i).map(|s| (i, s))) {
            Some((i, s)) => format!(
                "#{} at {} (highlighted below)",
                i + 1,
                esc(&rps(s.offered_rps))
            ),
            None => "none: no step met both targets".to_string(),
        },
    );
    kv(
        h,
        "CPU profile at the peak",
        &file_link(&f.profile_svg, "flame graph"),
    );
    kv(
        h,
        "runtime metrics at the peak",
        &file_link(&f.metrics_txt, "/metrics"),
    );
    h.push_str("</table>\n");
    step_table(h, &f.steps, f.peak_step);
}

fn scaling(h: &mut String, f: &ScalingFigures) {
    h.push_str("<table class=\"kv\">\n");
    kv(h, "route", &format!("<code>{}</code>", esc(&f.route)));
    kv(
        h,
        "seed line",
        &format!("{} per core", rps(f.seed_rps_per_core)),
    );
    h.push_str("</table>\n");
    if f.points.is_empty() {
        h.push_str("<p class=\"nodata\">No worker count was measured.</p>\n");
        return;
    }
    let rate1 = f
        .points
        .iter()
        .find(|p| p.workers == 1)
        .map(|p| p.saturation_rps);
    h.push_str(
        "<table>\n<tr><th class=\"n\">workers k</th><th>server CPUs</th><th>generator CPUs</th>\
         <th>cores</th><th class=\"n\">saturation req/s</th><th class=\"n\">efficiency</th>\
         <th class=\"n\">linear k \u{d7} rate(1)</th><th class=\"n\">seed line</th></tr>\n",
    );
    for p in &f.points {
        let k = p.workers as f64;
        let _ = writeln!(
            h,
            "<tr><td class=\"n\">{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td>\
             <td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.2}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td></tr>",
            p.workers,
            esc(&cpu_list(&p.server_cpus)),
            esc(&cpu_list(&p.generator_cpus)),
            if p.clean { "clean" } else { "shared" },
            num(p.saturation_rps),
            p.efficiency,
            rate1.map_or_else(|| "\u{2013}".to_string(), |r| num(k * r)),
            num(k * f.seed_rps_per_core)
        );
    }
    h.push_str("</table>\n");
    for p in &f.points {
        let _ = writeln!(
            h,
            "<details><summary>Steps of the search with {} worker{}</summary>",
            p.workers,
            if p.workers == 1 { "" } else { "s" }
        );
        step_table(h, &p.steps, None);
        h.push_str("</details>\n");
    }
}

fn cold_start(h: &mut String, f: &ColdStartFigures) {
    h.push_str("<table class=\"kv\">\n");
    kv(
        h,
        "new state with the standard library",
        &format!("{} \u{b5}s", num(f.state_new_us)),
    );
    kv(
        h,
        "new state and a small script's top level",
        &format!("{} \u{b5}s", num(f.state_load_us)),
    );
    kv(
        h,
        "hot reload: save to new response",
        &ms(f.reload_to_new_response_ms),
    );
    h.push_str("</table>\n");
    if f.starts.is_empty() {
        h.push_str("<p class=\"nodata\">No cold start was measured.</p>\n");
        return;
    }
    h.push_str(
        "<table>\n<tr><th class=\"n\">scripts</th><th class=\"n\">process start to first 200</th>\
         <th class=\"n\">RSS once ready</th></tr>\n",
    );
    for s in &f.starts {
        let _ = writeln!(
            h,
            "<tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            s.scripts,
            ms(s.first_response_ms),
            s.rss_mib
                .map_or_else(|| "\u{2013}".to_string(), |r| format!("{} MiB", num(r)))
        );
    }
    h.push_str("</table>\n");
}

fn mixed(h: &mut String, f: &MixedFigures) {
    h.push_str("<table class=\"kv\">\n");
    kv(h, "sleeping route sleeps", &ms(f.sleep_ms));
    kv(h, "upstream answers after", &ms(f.upstream_delay_ms));
    kv(
        h,
        "peak requests waiting at once",
        &f.peak_in_flight
            .map_or_else(|| "not scraped".to_string(), num),
    );
    h.push_str("</table>\n<div class=\"wide\"><table class=\"steps\">\n");
    h.push_str(&STEP_HEAD.replacen("<tr>", "<tr><th>run</th><th>route</th>", 1));
    let runs = [
        ("light alone", &f.light_alone),
        ("light loaded", &f.light_loaded),
        ("CPU-heavy", &f.cpu_heavy),
        ("sleeping", &f.sleeping),
        ("upstream", &f.upstream),
    ];
    for (name, s) in runs {
        let label = format!("{}</td><td><code>{}</code>", esc(name), esc(&s.route));
        step_row(h, s, "", Some(&label));
    }
    h.push_str("</table></div>\n");
}

fn soak(h: &mut String, f: &SoakFigures) {
    h.push_str("<table class=\"kv\">\n");
    kv(h, "load duration", &format!("{} s", num(f.duration_s)));
    kv(h, "offered rate, all routes", &rps(f.offered_rps));
    kv(
        h,
        "RSS trend after warm-up",
        &format!("{:+.3} MiB/min", f.rss_slope_mib_per_min),
    );
    if let (Some(first), Some(last)) = (f.rss.first(), f.rss.last()) {
        let peak = f.rss.iter().map(|r| r.1).fold(0.0, f64::max);
        kv(
            h,
            "RSS first / last / peak",
            &format!(
                "{} / {} / {} MiB ({} samples)",
                num(first.1),
                num(last.1),
                num(peak),
                f.rss.len()
            ),
        );
    }
    kv(
        h,
        "graceful restart",
        &f.restart_at_s
            .map_or_else(|| "none".to_string(), |t| format!("at {} s", num(t))),
    );
    kv(
        h,
        "broken saves (syntax errors)",
        &f.broken_saves.to_string(),
    );
    kv(h, "client disconnects", &f.client_disconnects.to_string());
    kv(h, "retried (never taken)", &f.retried.to_string());
    kv(
        h,
        "workers before / after",
        &format!("{} / {}", f.workers_before, f.workers_after),
    );
    h.push_str("</table>\n");
    if f.routes.is_empty() {
        h.push_str("<p class=\"nodata\">No request was sent.</p>\n");
        return;
    }
    h.push_str(
        "<table>\n<tr><th>route</th><th>kind</th><th class=\"n\">expected status</th>\
         <th class=\"n\">sent</th><th class=\"n\">right</th><th class=\"n\">wrong</th>\
         <th class=\"n\">lost</th></tr>\n",
    );
    for r in &f.routes {
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n{}\">{}</td><td class=\"n{}\">{}</td></tr>",
            esc(&r.route),
            esc(&r.kind),
            r.expected_status,
            r.sent,
            r.right,
            if r.wrong > 0 { " missed" } else { "" },
            r.wrong,
            if r.lost > 0 { " missed" } else { "" },
            r.lost
        );
    }
    h.push_str("</table>\n");
}
