//! The report's charts, drawn with plotters' SVG backend into strings:
//! test 1's latency and throughput per step, test 2's scaling against the
//! linear and seed lines, test 3's cold starts, test 4's light route
//! alone and loaded, test 5's RSS over the soak.
//!
//! Each chart is planned per test entry; a chart without data is not
//! drawn but kept as a [`Slot`] with the reason, so that the page can say
//! so where the chart would be.

use super::Chart;
use super::fmt;
use crate::model::{
    ColdStartFigures, Figures, Latency, MixedFigures, Report, ScalingFigures, SoakFigures,
    SteppedFigures,
};
use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The size of every chart, pixels (the page scales them down to fit).
const SIZE: (u32, u32) = (820, 440);

/// Colours: a colour-blind-safe set (Okabe and Ito), one per series.
const BLUE_: RGBColor = RGBColor(0, 114, 178);
const ORANGE: RGBColor = RGBColor(230, 159, 0);
const GREEN_: RGBColor = RGBColor(0, 158, 115);
const VERMILION: RGBColor = RGBColor(213, 94, 0);
const PURPLE: RGBColor = RGBColor(204, 121, 167);
const GREY: RGBColor = RGBColor(110, 110, 110);

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// One planned chart: drawn, or the reason it was not.
pub(crate) struct Slot {
    /// The index in `Report::tests` of the test the chart belongs to.
    pub test: usize,
    /// The chart's id (unique in the report: the test id and the kind).
    pub id: String,
    /// Its title.
    pub title: String,
    /// What the chart shows, for the caption.
    pub caption: String,
    /// The SVG document, or why there is none.
    pub svg: Result<String, String>,
}

impl Slot {
    /// The chart, when it was drawn.
    pub fn chart(&self) -> Option<Chart> {
        self.svg.as_ref().ok().map(|svg| Chart {
            id: self.id.clone(),
            title: self.title.clone(),
            svg: svg.clone(),
        })
    }
}

/// Plans and draws every chart of the report, in test order.
pub(crate) fn slots(report: &Report) -> Vec<Slot> {
    let mut out = Vec::new();
    for (i, test) in report.tests.iter().enumerate() {
        let slot = |kind: &str, title: &str, caption: String, svg: Result<String, String>| Slot {
            test: i,
            id: chart_id(&test.id, kind),
            title: title.to_string(),
            caption,
            svg,
        };
        match &test.figures {
            Figures::Stepped(f) => {
                out.push(slot(
                    "latency",
                    "Latency per step",
                    format!(
                        "Latency percentiles of {} per offered rate (both axes log scale), \
                         measured from each request's intended send time; the dashed line \
                         is the p99 target, the dotted one the saturation rate.",
                        f.route
                    ),
                    latency_chart(f),
                ));
                out.push(slot(
                    "throughput",
                    "Achieved against offered rate",
                    "Responses per second against the rate offered; the dashed line is \
                     y = x (every request answered in time), the red line marks the \
                     saturation rate."
                        .to_string(),
                    throughput_chart(f),
                ));
            }
            Figures::Scaling(f) => out.push(slot(
                "scaling",
                "Saturation rate per worker count",
                "Saturation rate with k workers against the linear line k \u{d7} rate(1) \
                 and the seed's line k \u{d7} its rate per core; filled circles: server and \
                 generator on disjoint cores; triangles: cores or SMT siblings shared."
                    .to_string(),
                scaling_chart(f),
            )),
            Figures::ColdStart(f) => out.push(slot(
                "cold_start",
                "Cold start per script count",
                "Process start to the first successful response, per number of scripts \
                 in the served folder."
                    .to_string(),
                cold_start_chart(f),
            )),
            Figures::Mixed(f) => out.push(slot(
                "mixed",
                "Light route alone and under load",
                "Latency percentiles of the light route at the same rate, alone and while \
                 the CPU-heavy, sleeping and upstream routes run."
                    .to_string(),
                mixed_chart(f),
            )),
            Figures::Soak(f) => out.push(slot(
                "rss",
                "Server RSS over the soak",
                format!(
                    "The server's resident memory during the soak; trend after warm-up \
                     {:+.3} MiB/min{}.",
                    f.rss_slope_mib_per_min,
                    match f.restart_at_s {
                        Some(t) => format!(", graceful restart at {} s (dashed line)", fmt::num(t)),
                        None => String::new(),
                    }
                ),
                rss_chart(f),
            )),
        }
    }
    out
}

/// A chart id safe in an HTML id attribute: the test id and the chart's
/// kind, anything but letters, digits, `-` and `_` replaced.
fn chart_id(test: &str, kind: &str) -> String {
    format!("{test}-{kind}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Draws one chart into a fresh SVG document.
fn render(draw: impl FnOnce(&Area<'_>) -> DrawResult) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        draw(&root).map_err(|e| format!("could not draw the chart: {e}"))?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// A range for a log axis around positive values, with some room.
fn log_span(lo: f64, hi: f64) -> (f64, f64) {
    let lo = if lo > 0.0 { lo } else { 1e-3 };
    let hi = if hi > lo { hi } else { lo * 10.0 };
    (lo / 1.4, hi * 1.4)
}

/// Tick labels for a log axis: only at 1, 2 and 5 times a power of ten
/// (plotters puts a tick at every integer multiple, too many to label),
/// and once where plotters puts two ticks a rounding error apart at a
/// power of ten (the text would be drawn twice, looking bold).
#[derive(Default)]
struct LogLabels {
    last: std::cell::Cell<f64>,
}

impl LogLabels {
    fn label(&self, v: f64) -> String {
        let previous = self.last.replace(v);
        if !(v.is_finite() && v > 0.0) || (v - previous).abs() < 1e-6 * v {
            return String::new();
        }
        let mantissa = v / 10f64.powf(v.log10().floor());
        if [1.0, 2.0, 5.0, 10.0]
            .iter()
            .any(|m| (mantissa - m).abs() < 1e-6 * m)
        {
            fmt::axis(v)
        } else {
            String::new()
        }
    }
}

/// `v`, or 0 when it is not a number or infinite (not measured).
fn finite_or_zero(v: f64) -> f64 {
    if v.is_finite() { v } else { 0.0 }
}

/// The top of a linear axis that starts at zero, with some room.
fn lin_top(max: f64) -> f64 {
    if max.is_finite() && max > 0.0 {
        max * 1.1
    } else {
        1.0
    }
}

/// A percentile's name, colour and where to read it.
type Percentile = (&'static str, RGBColor, fn(&Latency) -> f64);

/// The four percentiles the latency charts draw, each with its colour.
const PERCENTILES: [Percentile; 4] = [
    ("p50", BLUE_, |l| l.p50_ms),
    ("p90", GREEN_, |l| l.p90_ms),
    ("p99", ORANGE, |l| l.p99_ms),
    ("p99.9", VERMILION, |l| l.p999_ms),
];

fn legend_line(color: RGBColor, width: u32) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(width))
}

fn draw_legend<'a, X, Y>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>,
    pos: SeriesLabelPosition,
) -> DrawResult
where
    X: Ranged,
    Y: Ranged,
{
    chart
        .configure_series_labels()
        .position(pos)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", 14))
        .draw()?;
    Ok(())
}

/// The chart's mesh with the report's styling (faint grid, label
/// sizes); the caller adds axis descriptions and formatters and draws.
fn mesh<'a, 'b, X, Y>(
    chart: &'b mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>,
) -> MeshStyle<'a, 'b, X, Y, SVGBackend<'a>>
where
    X: Ranged + ValueFormatter<X::ValueType>,
    Y: Ranged + ValueFormatter<Y::ValueType>,
{
    let mut m = chart.configure_mesh();
    m.bold_line_style(BLACK.mix(0.12))
        .light_line_style(BLACK.mix(0.04))
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 15));
    m
}

/// Test 1: p50/p90/p99/p99.9 per offered rate, with the p99 target.
fn latency_chart(f: &SteppedFigures) -> Result<String, String> {
    let mut steps: Vec<_> = f
        .steps
        .iter()
        .filter(|s| s.offered_rps > 0.0 && s.completed > 0)
        .collect();
    if steps.is_empty() {
        return Err("no step completed a request".to_string());
    }
    // Steps run out of order (the search refines between two rates):
    // the lines go by rate.
    steps.sort_by(|a, b| a.offered_rps.total_cmp(&b.offered_rps));
    let (x0, x1) = log_span(
        steps
            .iter()
            .map(|s| s.offered_rps)
            .fold(f64::INFINITY, f64::min),
        steps.iter().map(|s| s.offered_rps).fold(0.0, f64::max),
    );
    let values = steps
        .iter()
        .flat_map(|s| PERCENTILES.iter().map(|(_, _, get)| get(&s.latency)))
        .chain((f.p99_target_ms > 0.0).then_some(f.p99_target_ms))
        .filter(|v| v.is_finite() && *v > 0.0);
    let (lo, hi) = values.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let (y0, y1) = log_span(lo.max(1e-3), hi);
    let (x_labels, y_labels) = (LogLabels::default(), LogLabels::default());
    render(|root| {
        let mut chart = ChartBuilder::on(root)
            .margin(14)
            .x_label_area_size(48)
            .y_label_area_size(70)
            .build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale())?;
        mesh(&mut chart)
            .x_desc("offered rate (req/s, log scale)")
            .y_desc("latency (ms, log scale)")
            .x_label_formatter(&|v| x_labels.label(*v))
            .y_label_formatter(&|v| y_labels.label(*v))
            .light_line_style(TRANSPARENT)
            .draw()?;
        for (name, color, get) in PERCENTILES {
            let pts: Vec<(f64, f64)> = steps
                .iter()
                .map(|s| (s.offered_rps, get(&s.latency)))
                .filter(|p| p.1.is_finite())
                .map(|(x, y)| (x, y.max(y0)))
                .collect();
            chart
                .draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))?
                .label(name)
                .legend(legend_line(color, 2));
            chart.draw_series(pts.into_iter().map(|p| Circle::new(p, 3, color.filled())))?;
        }
        if f.p99_target_ms > 0.0 {
            let t = f.p99_target_ms;
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(x0, t), (x1, t)],
                    8,
                    5,
                    GREY.stroke_width(2),
                ))?
                .label(format!("p99 target {}", fmt::ms(t)))
                .legend(legend_line(GREY, 2));
        }
        if f.saturation_rps > 0.0 {
            let s = f.saturation_rps;
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(s, y0), (s, y1)],
                    2,
                    4,
                    PURPLE.stroke_width(2),
                ))?
                .label(format!("saturation {}", fmt::rps(s)))
                .legend(legend_line(PURPLE, 2));
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}

/// Test 1: achieved against offered rate, the y = x line and the
/// saturation rate.
fn throughput_chart(f: &SteppedFigures) -> Result<String, String> {
    if f.steps.is_empty() {
        return Err("no step was run".to_string());
    }
    let top = lin_top(
        f.steps
            .iter()
            .flat_map(|s| [s.offered_rps, s.achieved_rps])
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max),
    );
    render(|root| {
        let mut chart = ChartBuilder::on(root)
            .margin(14)
            .x_label_area_size(48)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..top, 0.0..top)?;
        mesh(&mut chart)
            .x_desc("offered rate (req/s)")
            .y_desc("achieved rate (responses/s)")
            .x_label_formatter(&|v| fmt::axis(*v))
            .y_label_formatter(&|v| fmt::axis(*v))
            .draw()?;
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, 0.0), (top, top)],
                8,
                5,
                GREY.stroke_width(2),
            ))?
            .label("y = x")
            .legend(legend_line(GREY, 2));
        // Indexed like `steps` (the peak is an index), NaN drawn as 0.
        let pts: Vec<(f64, f64)> = f
            .steps
            .iter()
            .map(|s| {
                (
                    finite_or_zero(s.offered_rps),
                    finite_or_zero(s.achieved_rps),
                )
            })
            .collect();
        // The line goes by rate (steps run out of order); the points
        // keep their indices for the peak.
        let mut by_rate = pts.clone();
        by_rate.sort_by(|a, b| a.0.total_cmp(&b.0));
        chart
            .draw_series(LineSeries::new(by_rate, BLUE_.stroke_width(2)))?
            .label("achieved")
            .legend(legend_line(BLUE_, 2));
        chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, BLUE_.filled())))?;
        if f.saturation_rps > 0.0 {
            let s = f.saturation_rps;
            chart
                .draw_series(LineSeries::new(
                    vec![(s, 0.0), (s, top)],
                    VERMILION.stroke_width(2),
                ))?
                .label(format!("saturation {}", fmt::rps(s)))
                .legend(legend_line(VERMILION, 2));
        }
        if let Some(p) = f.peak_step.and_then(|i| pts.get(i)) {
            chart.draw_series(std::iter::once(Circle::new(
                *p,
                7,
                VERMILION.stroke_width(2),
            )))?;
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}

/// Test 2: the saturation rate per worker count with the linear and
/// seed lines; clean and shared points drawn differently.
fn scaling_chart(f: &ScalingFigures) -> Result<String, String> {
    let mut points: Vec<_> = f
        .points
        .iter()
        .filter(|p| p.workers > 0 && p.saturation_rps.is_finite())
        .collect();
    if points.is_empty() {
        return Err("no worker count was measured".to_string());
    }
    points.sort_by_key(|p| p.workers);
    let k_max = points.last().map_or(1, |p| p.workers) as f64;
    // rate(1) is the one-worker point; without one, the smallest k's
    // rate per worker stands in (the legend says so).
    let (rate1, rate1_label) = match points.iter().find(|p| p.workers == 1) {
        Some(p) => (p.saturation_rps, "linear: k \u{d7} rate(1)".to_string()),
        None => (
            points[0].saturation_rps / points[0].workers as f64,
            format!("linear from k = {}", points[0].workers),
        ),
    };
    let seed = f.seed_rps_per_core;
    let top = lin_top(
        points
            .iter()
            .map(|p| p.saturation_rps)
            .chain([k_max * rate1, if seed > 0.0 { k_max * seed } else { 0.0 }])
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max),
    );
    let x1 = k_max + 1.0;
    render(|root| {
        let mut chart = ChartBuilder::on(root)
            .margin(14)
            .x_label_area_size(48)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..x1, 0.0..top)?;
        mesh(&mut chart)
            .x_desc("workers (k)")
            .y_desc("saturation rate (req/s)")
            .x_labels((x1 as usize + 1).min(17))
            .x_label_formatter(&|v| {
                if (v - v.round()).abs() < 1e-9 {
                    format!("{v:.0}")
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|v| fmt::axis(*v))
            .draw()?;
        if rate1.is_finite() && rate1 > 0.0 {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(0.0, 0.0), (k_max, k_max * rate1)],
                    8,
                    5,
                    GREY.stroke_width(2),
                ))?
                .label(rate1_label)
                .legend(legend_line(GREY, 2));
        }
        if seed > 0.0 {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(0.0, 0.0), (k_max, k_max * seed)],
                    3,
                    4,
                    PURPLE.stroke_width(2),
                ))?
                .label(format!("seed: k \u{d7} {} per core", fmt::rps(seed)))
                .legend(legend_line(PURPLE, 2));
        }
        let pts: Vec<(f64, f64, bool)> = points
            .iter()
            .map(|p| (p.workers as f64, p.saturation_rps, p.clean))
            .collect();
        chart.draw_series(LineSeries::new(
            pts.iter().map(|&(x, y, _)| (x, y)),
            BLACK.mix(0.35).stroke_width(1),
        ))?;
        // Right of each point: the lines run up and to the right, so
        // text there crosses the fewest of them.
        let label_style =
            TextStyle::from(("sans-serif", 13).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
        chart.draw_series(points.iter().map(|p| {
            EmptyElement::at((p.workers as f64, p.saturation_rps))
                + Text::new(
                    format!("eff {:.2}", p.efficiency),
                    (10, 4),
                    label_style.clone(),
                )
        }))?;
        if pts.iter().any(|p| p.2) {
            chart
                .draw_series(
                    pts.iter()
                        .filter(|p| p.2)
                        .map(|&(x, y, _)| Circle::new((x, y), 5, BLUE_.filled())),
                )?
                .label("measured, clean (disjoint cores)")
                .legend(|(x, y)| Circle::new((x + 9, y), 5, BLUE_.filled()));
        }
        if pts.iter().any(|p| !p.2) {
            chart
                .draw_series(
                    pts.iter()
                        .filter(|p| !p.2)
                        .map(|&(x, y, _)| TriangleMarker::new((x, y), 7, ORANGE.stroke_width(2))),
                )?
                .label("measured, shared cores")
                .legend(|(x, y)| TriangleMarker::new((x + 9, y), 7, ORANGE.stroke_width(2)));
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}

/// Draws the cold-start series on a chart whose x axis is either linear
/// or log (a macro, as the two coordinate types differ).
macro_rules! cold_start_body {
    ($chart:ident, $pts:ident, $x_desc:expr, $x_fmt:expr) => {{
        mesh(&mut $chart)
            .x_desc($x_desc)
            .y_desc("first response (ms)")
            .x_label_formatter(&$x_fmt)
            .y_label_formatter(&|v| fmt::axis(*v))
            .draw()?;
        $chart
            .draw_series(LineSeries::new($pts.clone(), BLUE_.stroke_width(2)))?
            .label("process start to first 200")
            .legend(legend_line(BLUE_, 2));
        $chart.draw_series($pts.iter().map(|&p| Circle::new(p, 4, BLUE_.filled())))?;
        let label_style = TextStyle::from(("sans-serif", 13).into_font())
            .pos(Pos::new(HPos::Center, VPos::Bottom));
        $chart.draw_series($pts.iter().map(|&(x, y)| {
            EmptyElement::at((x, y)) + Text::new(fmt::ms(y), (0, -8), label_style.clone())
        }))?;
        draw_legend(&mut $chart, SeriesLabelPosition::UpperLeft)
    }};
}

/// Test 3: the first response's delay per script count.
fn cold_start_chart(f: &ColdStartFigures) -> Result<String, String> {
    let mut pts: Vec<(f64, f64)> = f
        .starts
        .iter()
        .filter(|s| s.first_response_ms.is_finite())
        .map(|s| (s.scripts as f64, s.first_response_ms))
        .collect();
    if pts.is_empty() {
        return Err("no cold start was measured".to_string());
    }
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let x_lo = pts[0].0;
    let x_hi = pts[pts.len() - 1].0;
    let top = lin_top(pts.iter().map(|p| p.1).fold(0.0, f64::max)) * 1.08;
    // Script counts grow by factors (1, 10, 100, 1000): a log axis,
    // unless a count is zero or they span less than a factor of ten.
    let log_x = x_lo > 0.0 && x_hi / x_lo >= 10.0;
    render(|root| {
        let builder = || {
            let mut b = ChartBuilder::on(root);
            b.margin(14).x_label_area_size(48).y_label_area_size(70);
            b
        };
        if log_x {
            let (x0, x1) = log_span(x_lo, x_hi);
            let mut chart = builder().build_cartesian_2d((x0..x1).log_scale(), 0.0..top)?;
            let labels = LogLabels::default();
            cold_start_body!(
                chart,
                pts,
                "scripts in the folder (log scale)",
                |v: &f64| labels.label(*v)
            )
        } else {
            let x1 = if x_hi > 0.0 { x_hi * 1.1 } else { 1.0 };
            let mut chart = builder().build_cartesian_2d(0.0..x1, 0.0..top)?;
            cold_start_body!(chart, pts, "scripts in the folder", |v: &f64| fmt::axis(*v))
        }
    })
}

/// Test 4: the light route's percentiles alone and loaded, as bars.
fn mixed_chart(f: &MixedFigures) -> Result<String, String> {
    if f.light_alone.completed == 0 && f.light_loaded.completed == 0 {
        return Err("the light route completed no request".to_string());
    }
    let runs = [
        ("light route alone", BLUE_, &f.light_alone.latency, 0.1),
        (
            "light route under load",
            ORANGE,
            &f.light_loaded.latency,
            0.5,
        ),
    ];
    let top = lin_top(
        runs.iter()
            .flat_map(|(_, _, l, _)| PERCENTILES.iter().map(|(_, _, get)| get(l)))
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max),
    ) * 1.08;
    let n = PERCENTILES.len() as f64;
    render(|root| {
        let mut chart = ChartBuilder::on(root)
            .margin(14)
            .x_label_area_size(48)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..n, 0.0..top)?;
        // Key points fall on halves with this many labels: the category
        // names sit under the middle of each pair of bars.
        mesh(&mut chart)
            .disable_x_mesh()
            .x_labels(2 * PERCENTILES.len() + 1)
            .x_label_formatter(&|v| {
                let i = v.floor();
                if (v - i - 0.5).abs() < 1e-6 && i >= 0.0 && (i as usize) < PERCENTILES.len() {
                    PERCENTILES[i as usize].0.to_string()
                } else {
                    String::new()
                }
            })
            .x_desc("percentile")
            .y_desc("latency (ms)")
            .y_label_formatter(&|v| fmt::axis(*v))
            .draw()?;
        let label_style = TextStyle::from(("sans-serif", 14).into_font())
            .pos(Pos::new(HPos::Center, VPos::Bottom));
        for (name, color, latency, offset) in runs {
            let bars: Vec<(f64, f64)> = PERCENTILES
                .iter()
                .enumerate()
                .map(|(i, (_, _, get))| (i as f64 + offset, get(latency).max(0.0)))
                .collect();
            chart
                .draw_series(
                    bars.iter()
                        .map(|&(x, v)| Rectangle::new([(x, 0.0), (x + 0.4, v)], color.filled())),
                )?
                .label(name)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled())
                });
            chart.draw_series(bars.iter().map(|&(x, v)| {
                EmptyElement::at((x + 0.2, v))
                    + Text::new(fmt::num(v), (0, -4), label_style.clone())
            }))?;
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}

/// Test 5: RSS over the soak, with the restart marked.
fn rss_chart(f: &SoakFigures) -> Result<String, String> {
    let pts: Vec<(f64, f64)> = f
        .rss
        .iter()
        .copied()
        .filter(|(t, m)| t.is_finite() && m.is_finite())
        .collect();
    if pts.is_empty() {
        return Err("no RSS sample was taken".to_string());
    }
    let t_max = pts.iter().map(|p| p.0).fold(0.0, f64::max);
    let t_max = t_max.max(f.restart_at_s.unwrap_or(0.0));
    let x1 = if t_max > 0.0 { t_max * 1.02 } else { 1.0 };
    let lo = pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let hi = pts.iter().map(|p| p.1).fold(0.0, f64::max);
    // From zero, so that growth is seen at its true scale, with room for
    // the legend above the line.
    let top = lin_top(hi.max(lo)) * 1.25;
    render(|root| {
        let mut chart = ChartBuilder::on(root)
            .margin(14)
            .x_label_area_size(48)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..x1, 0.0..top)?;
        mesh(&mut chart)
            .x_desc("time since the soak began (s)")
            .y_desc("server RSS (MiB)")
            .x_label_formatter(&|v| fmt::axis(*v))
            .y_label_formatter(&|v| fmt::axis(*v))
            .draw()?;
        chart
            .draw_series(LineSeries::new(pts.clone(), BLUE_.stroke_width(2)))?
            .label(format!(
                "RSS (trend {:+.3} MiB/min)",
                f.rss_slope_mib_per_min
            ))
            .legend(legend_line(BLUE_, 2));
        if pts.len() <= 120 {
            chart.draw_series(pts.iter().map(|&p| Circle::new(p, 2, BLUE_.filled())))?;
        }
        if let Some(t) = f.restart_at_s.filter(|t| t.is_finite()) {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(t, 0.0), (t, top)],
                    8,
                    5,
                    VERMILION.stroke_width(2),
                ))?
                .label(format!("graceful restart at {} s", fmt::num(t)))
                .legend(legend_line(VERMILION, 2));
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}
