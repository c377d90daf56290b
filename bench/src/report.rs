//! The reports: `results/latest.md` (tables of medians, ratios, geometric
//! means, peak memory) and `results/latest.svg` (the ratios as a chart,
//! drawn with plotters).

use crate::engines::BASELINE;
use crate::results::{Results, Status};
use plotters::prelude::*;
use std::fmt::Write as _;

fn secs(d: std::time::Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

fn cell_text(
    r: &Results,
    program: &str,
    engine: &str,
    f: impl Fn(&crate::results::Cell) -> String,
) -> String {
    match r.cell(program, engine) {
        None => "—".into(),
        Some(c) => match &c.status {
            Status::NotApplicable => "n/a".into(),
            s if s.is_unsupported() => "unsupported".into(),
            Status::Failed(_) => "failed".into(),
            Status::Mismatch(_) => "wrong".into(),
            Status::Ok if c.ok() => f(c),
            Status::Ok => "—".into(),
        },
    }
}

/// The Markdown report.
pub fn markdown(r: &Results) -> String {
    let mut s = String::new();
    let engines = r.available();
    let _ = writeln!(s, "# Lunar benchmark results\n");
    let _ = writeln!(s, "- Date: {}", r.date);
    let _ = writeln!(s, "- Machine: {}", r.machine);
    let _ = writeln!(
        s,
        "- Load average (1, 5, 15 min) before: {}; after: {}",
        r.load.0, r.load.1
    );
    let _ = writeln!(
        s,
        "- Method: every program on every engine, interleaved, {} round(s); each number is the median of the rounds, whole process (start-up included), measured by GNU time. Ratios (of the median {} time) are to {BASELINE}: below 1 is faster.",
        r.rounds,
        match r.metric {
            crate::results::Metric::Wall => "wall",
            crate::results::Metric::Cpu => "CPU",
        }
    );
    let _ = writeln!(s, "- Command: `{}`\n", r.command);

    let _ = writeln!(
        s,
        "## Engines\n\n| engine | version | dispatch | runs | status |\n|---|---|---|---|---|"
    );
    for e in &r.engines {
        let status = match &e.skip {
            Some(why) => format!("skipped: {why}"),
            None if e.in_process => "ran in-process (a child copy of the harness)".into(),
            None => "ran".into(),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            e.label(),
            e.version,
            e.vm,
            e.dialect.describe(),
            status
        );
    }

    let header = |s: &mut String, title: &str, with_size: bool| {
        let _ = writeln!(s, "\n## {title}\n");
        let _ = write!(s, "| program |{}", if with_size { " size |" } else { "" });
        for e in &engines {
            let _ = write!(s, " {} |", e.label());
        }
        let _ = write!(s, "\n|---|{}", if with_size { "--:|" } else { "" });
        for _ in &engines {
            let _ = write!(s, "--:|");
        }
        s.push('\n');
    };

    header(&mut s, "Median wall time (seconds)", true);
    for (p, size) in &r.programs {
        let _ = write!(s, "| {} | {} |", p.name, size);
        for e in &engines {
            let _ = write!(
                s,
                " {} |",
                cell_text(r, p.name, e.name, |c| secs(c.median_wall()))
            );
        }
        s.push('\n');
    }

    header(
        &mut s,
        &format!("Ratio to {BASELINE} (lower is faster)"),
        false,
    );
    for (p, _) in &r.programs {
        let _ = write!(s, "| {} |", p.name);
        for e in &engines {
            let t = match r.ratio(p.name, e.name) {
                Some(x) => format!("{x:.2}"),
                None => cell_text(r, p.name, e.name, |_| "—".into()),
            };
            let _ = write!(s, " {t} |");
        }
        s.push('\n');
    }
    let _ = write!(s, "| **geometric mean** |");
    for e in &engines {
        let (g, n) = r.geomean_ratio(e.name);
        let t = g
            .map(|g| format!("**{g:.2}** ({n})"))
            .unwrap_or_else(|| "—".into());
        let _ = write!(s, " {t} |");
    }
    let _ = writeln!(
        s,
        "\n\nThe number in parentheses is how many programs the mean covers: those where both the engine and the baseline ran cleanly."
    );

    header(&mut s, "Median CPU time, user+sys (seconds)", false);
    for (p, _) in &r.programs {
        let _ = write!(s, "| {} |", p.name);
        for e in &engines {
            let _ = write!(
                s,
                " {} |",
                cell_text(r, p.name, e.name, |c| secs(c.median_cpu()))
            );
        }
        s.push('\n');
    }

    header(
        &mut s,
        "Peak resident memory (MiB; ratio to the baseline)",
        false,
    );
    for (p, _) in &r.programs {
        let _ = write!(s, "| {} |", p.name);
        for e in &engines {
            let t = cell_text(r, p.name, e.name, |c| {
                let mib = c.peak_rss_kib() as f64 / 1024.0;
                match r.rss_ratio(p.name, e.name) {
                    Some(x) => format!("{mib:.1} ({x:.2})"),
                    None => format!("{mib:.1}"),
                }
            });
            let _ = write!(s, " {t} |");
        }
        s.push('\n');
    }

    let unsupported = r.unsupported();
    if !unsupported.is_empty() {
        let _ = writeln!(
            s,
            "\n## Unsupported\n\nPrograms an engine cannot run for lack of a feature (not failures):\n"
        );
        for u in unsupported {
            let _ = writeln!(s, "- {u}");
        }
    }

    let fails = r.failures();
    if !fails.is_empty() {
        let _ = writeln!(s, "\n## Failures\n");
        for f in fails {
            let _ = writeln!(s, "- {f}");
        }
    }
    s
}

/// The SVG chart: one group of bars per program, one bar per engine, the
/// height its ratio to the baseline.
pub fn svg(r: &Results) -> Result<String, String> {
    let engines: Vec<_> = r
        .available()
        .into_iter()
        .filter(|e| e.name != BASELINE)
        .collect();
    let programs: Vec<&str> = r.programs.iter().map(|(p, _)| p.name).collect();
    let mut labels: Vec<String> = programs.iter().map(|p| p.to_string()).collect();
    labels.push("geomean".into());
    let mut max_ratio: f64 = 1.2;
    for p in &programs {
        for e in &engines {
            if let Some(x) = r.ratio(p, e.name) {
                max_ratio = max_ratio.max(x);
            }
        }
    }
    let mut out = String::new();
    {
        let width = 120 + 60 * labels.len() as u32;
        let root = SVGBackend::with_string(&mut out, (width.max(640), 420)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let n = labels.len();
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!("Time relative to {BASELINE} (lower is faster)"),
                ("sans-serif", 18),
            )
            .margin(12)
            .x_label_area_size(60)
            .y_label_area_size(50)
            .build_cartesian_2d(0f64..n as f64, 0f64..max_ratio * 1.1)
            .map_err(|e| e.to_string())?;
        let label_of = |x: &f64| -> String {
            let i = x.floor() as usize;
            if (x - (i as f64 + 0.5)).abs() < 1e-9 {
                labels.get(i).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(2 * n + 1)
            .x_label_formatter(&label_of)
            .y_desc("ratio")
            .draw()
            .map_err(|e| e.to_string())?;
        // The baseline itself, as a line at 1.
        chart
            .draw_series(LineSeries::new(
                vec![(0.0, 1.0), (n as f64, 1.0)],
                BLACK.stroke_width(1),
            ))
            .map_err(|e| e.to_string())?
            .label(format!("{BASELINE} = 1"))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLACK));
        let bar_w = 0.8 / engines.len().max(1) as f64;
        for (ei, e) in engines.iter().enumerate() {
            let color = Palette99::pick(ei).to_rgba();
            let mut bars = Vec::new();
            for (pi, p) in programs.iter().enumerate() {
                if let Some(x) = r.ratio(p, e.name) {
                    bars.push((pi, x));
                }
            }
            if let (Some(g), _) = r.geomean_ratio(e.name) {
                bars.push((programs.len(), g));
            }
            chart
                .draw_series(bars.into_iter().map(|(pi, x)| {
                    let x0 = pi as f64 + 0.1 + bar_w * ei as f64;
                    Rectangle::new([(x0, 0.0), (x0 + bar_w * 0.9, x)], color.filled())
                }))
                .map_err(|e| e.to_string())?
                .label(e.label())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled())
                });
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}
