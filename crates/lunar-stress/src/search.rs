//! The search for the saturation rate: steps of open-loop load, rising
//! geometrically until a step breaks the p99 target or the error budget,
//! then a few steps between the last good rate and the first bad one.

use crate::model::StepResult;

/// How a search steps.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// The first rate.
    pub start_rps: f64,
    /// Each rising step multiplies the rate by this.
    pub factor: f64,
    /// Never ask for more than this.
    pub max_rps: f64,
    /// Steps spent between the last good and first bad rate.
    pub refine_steps: usize,
    /// A step passes when its p99 is at most this...
    pub p99_target_ms: f64,
    /// ...its share of failed requests at most this...
    pub error_budget: f64,
    /// ...and it answered at least this share of the offered rate.
    pub min_achieved: f64,
}

/// Whether a step met the plan's targets.
pub fn passes(plan: &Plan, step: &StepResult) -> bool {
    step.sent > 0
        && step.latency.p99_ms <= plan.p99_target_ms
        && step.error_ratio() <= plan.error_budget
        && step.achieved_rps >= plan.min_achieved * step.offered_rps
}

/// The lowest rate a search tries when stepping down.
pub const MIN_RPS: f64 = 50.0;

/// What a search found.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// Every step, in the order run.
    pub steps: Vec<StepResult>,
    /// The index of the best passing step.
    pub peak: Option<usize>,
    /// Its rate (0 when none passed).
    pub saturation_rps: f64,
}

/// Runs the search; `step` runs one step at a rate. `stop` is asked
/// after each step whether to give up early (the user's Ctrl-C, a dead
/// server).
pub fn saturation(
    plan: &Plan,
    mut step: impl FnMut(f64) -> StepResult,
    mut stop: impl FnMut() -> bool,
) -> Found {
    let mut found = Found::default();
    let record = |found: &mut Found, result: StepResult| -> bool {
        let ok = passes(plan, &result);
        found.steps.push(result);
        if ok && found.steps.last().map_or(0.0, |s| s.offered_rps) > found.saturation_rps {
            found.saturation_rps = found.steps.last().map_or(0.0, |s| s.offered_rps);
            found.peak = Some(found.steps.len() - 1);
        }
        ok
    };
    let mut rate = plan.start_rps.max(1.0);
    let mut first_bad = None;
    loop {
        let ok = record(&mut found, step(rate));
        if !ok {
            first_bad = Some(rate);
            break;
        }
        if stop() || rate >= plan.max_rps {
            break;
        }
        rate = (rate * plan.factor).min(plan.max_rps);
    }
    // A search that started above the saturation rate steps down until a
    // step passes (or the rate is below the floor).
    if found.peak.is_none() {
        let mut rate = plan.start_rps;
        while !stop() {
            rate /= plan.factor;
            if rate < MIN_RPS {
                break;
            }
            if record(&mut found, step(rate)) {
                break;
            }
            first_bad = Some(rate);
        }
    }
    if let Some(mut hi) = first_bad {
        let mut lo = found.saturation_rps;
        for _ in 0..plan.refine_steps {
            if lo <= 0.0 || hi / lo < 1.05 || stop() {
                break;
            }
            let mid = (lo * hi).sqrt();
            if record(&mut found, step(mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Latency;

    /// A fake server that keeps p99 at 1 ms up to `capacity` and then
    /// queues (p99 grows with the overload).
    fn fake(capacity: f64) -> impl FnMut(f64) -> StepResult {
        move |rate| {
            let p99 = if rate <= capacity {
                1.0
            } else {
                1.0 + 1000.0 * (rate / capacity - 1.0)
            };
            StepResult {
                offered_rps: rate,
                sent: rate as u64,
                completed: rate as u64,
                ok: rate as u64,
                achieved_rps: rate.min(capacity),
                latency: Latency {
                    p99_ms: p99,
                    ..Latency::default()
                },
                ..StepResult::default()
            }
        }
    }

    fn plan() -> Plan {
        Plan {
            start_rps: 100.0,
            factor: 2.0,
            max_rps: 1e7,
            refine_steps: 4,
            p99_target_ms: 50.0,
            error_budget: 0.001,
            min_achieved: 0.9,
        }
    }

    #[test]
    fn the_search_brackets_the_capacity() {
        let found = saturation(&plan(), fake(30_000.0), || false);
        // Doubling passes 25,600 and fails 51,200; refining closes in
        // (the fake stays under 50 ms up to about 1.05x its capacity).
        assert!(
            found.saturation_rps >= 25_600.0 && found.saturation_rps <= 31_500.0,
            "{}",
            found.saturation_rps
        );
        let peak = found.peak.unwrap();
        assert_eq!(found.steps[peak].offered_rps, found.saturation_rps);
        assert!(found.steps.len() <= 10 + 4);
        assert_eq!(found.steps[0].offered_rps, 100.0);
    }

    #[test]
    fn a_server_failing_at_once_has_no_saturation_rate() {
        let found = saturation(&plan(), fake(20.0), || false);
        assert_eq!(found.saturation_rps, 0.0);
        assert!(found.peak.is_none());
        // 100 fails, then 50 (the floor) fails too.
        assert_eq!(found.steps.len(), 2);
    }

    #[test]
    fn a_search_starting_too_high_steps_down_then_refines() {
        let mut p = plan();
        p.start_rps = 40_000.0;
        p.factor = 1.5;
        let found = saturation(&p, fake(10_000.0), || false);
        let rates: Vec<f64> = found.steps.iter().map(|s| s.offered_rps.round()).collect();
        // 40,000 fails, 26,667 and 17,778 fail, 11,852 fails, 7,901 passes;
        // then refining between 7,901 and 11,852.
        assert_eq!(&rates[..5], &[40000.0, 26667.0, 17778.0, 11852.0, 7901.0]);
        assert!(
            found.saturation_rps > 7901.0 && found.saturation_rps <= 10_500.0,
            "{}",
            found.saturation_rps
        );
    }

    #[test]
    fn errors_fail_a_step() {
        let mut step = fake(1e9);
        let mut s = step(1000.0);
        s.errors = 2;
        assert!(!passes(&plan(), &s));
        s.errors = 0;
        assert!(passes(&plan(), &s));
        s.sent = 0;
        assert!(!passes(&plan(), &s));
    }

    #[test]
    fn stop_ends_the_search() {
        let found = saturation(&plan(), fake(1e9), || true);
        assert_eq!(found.steps.len(), 1);
    }
}
