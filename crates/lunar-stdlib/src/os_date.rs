//! The date engine of `os.date` and `os.time`: broken-down times (C's
//! `struct tm`) computed with our own calendar arithmetic, so that every
//! i64 time works as with the reference's C library (years far outside
//! the usual ranges included); C's `mktime` normalisation; `strftime` in
//! the C locale; and time zones read from the system's TZif files (`TZ`,
//! `/etc/localtime`), as the C library reads them.

use std::rc::Rc;

/// A broken-down time, field for field C's `struct tm`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tm {
    /// Years since 1900 (fits an i32).
    pub year: i64,
    /// Months since January, 0-11.
    pub mon: i64,
    /// Day of the month, 1-31.
    pub mday: i64,
    /// 0-23.
    pub hour: i64,
    /// 0-59.
    pub min: i64,
    /// 0-60.
    pub sec: i64,
    /// Days since Sunday, 0-6.
    pub wday: i64,
    /// Days since January 1, 0-365.
    pub yday: i64,
    /// > 0 daylight saving time, 0 not, < 0 unknown.
    pub isdst: i32,
    /// Seconds east of UTC.
    pub gmtoff: i64,
    /// The zone's abbreviation.
    pub zone: String,
}

/// Floor division by a positive divisor.
fn floor_div(a: i64, b: i64) -> i64 {
    a.div_euclid(b)
}

/// The remainder of floor division by a positive divisor.
fn floor_mod(a: i64, b: i64) -> i64 {
    a.rem_euclid(b)
}

/// Days from 1970-01-01 to the given date of the proleptic Gregorian
/// calendar (month 1-12).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = floor_div(y, 400);
    let yoe = y - era * 400; // [0, 399]
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1; // [0, 365], from March 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146097 + doe - 719468
}

/// The inverse of `days_from_civil`.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719468;
    let era = floor_div(z, 146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// Breaks `t` (seconds since the epoch) down as UTC, as C's `gmtime`;
/// `None` when the year does not fit the int of `struct tm`.
pub fn gmtime(t: i64) -> Option<Tm> {
    let days = floor_div(t, 86400);
    let secs = floor_mod(t, 86400);
    let (y, m, d) = civil_from_days(days);
    if y - 1900 > i32::MAX as i64 || y - 1900 < i32::MIN as i64 {
        return None;
    }
    Some(Tm {
        year: y - 1900,
        mon: m - 1,
        mday: d,
        hour: secs / 3600,
        min: secs / 60 % 60,
        sec: secs % 60,
        wday: floor_mod(days + 4, 7), // 1970-01-01 was a Thursday
        yday: days - days_from_civil(y, 1, 1),
        isdst: 0,
        gmtoff: 0,
        zone: "GMT".into(),
    })
}

// ----- time zones -----

/// One local time type of a zone.
#[derive(Clone, Debug, PartialEq)]
struct ZoneType {
    offset: i64,
    dst: bool,
    abbr: String,
}

/// A time zone: local time types and the instants at which they change.
#[derive(Clone, Debug, PartialEq)]
pub struct Zone {
    types: Vec<ZoneType>,
    /// Transition instants, ascending, with the type in force from each.
    transitions: Vec<(i64, usize)>,
    /// The rule for times after the last transition (a TZif file's POSIX
    /// TZ footer, or the TZ variable itself).
    rule: Option<PosixTz>,
}

/// Bounds the times for which the zone is asked for an offset; beyond it
/// the offset of the bound is used.
const ZONE_LIMIT: i64 = 1 << 45;

impl Zone {
    /// Coordinated Universal Time.
    pub fn utc() -> Zone {
        Zone::fixed("UTC", 0)
    }

    /// A zone always `offset` seconds east of UTC, named `name`.
    pub fn fixed(name: &str, offset: i64) -> Zone {
        Zone {
            types: vec![ZoneType {
                offset,
                dst: false,
                abbr: name.into(),
            }],
            transitions: Vec::new(),
            rule: None,
        }
    }

    /// Parses a TZif file (RFC 8536), version 1 or later.
    pub fn from_tzif(data: &[u8]) -> Option<Zone> {
        let header = |d: &[u8]| -> Option<[usize; 6]> {
            if d.len() < 44 || &d[..4] != b"TZif" {
                return None;
            }
            let mut c = [0usize; 6];
            for (k, v) in c.iter_mut().enumerate() {
                let o = 20 + 4 * k;
                *v = u32::from_be_bytes(d[o..o + 4].try_into().ok()?) as usize;
            }
            Some(c)
        };
        // Counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt.
        let c = header(data)?;
        let mut body = &data[44..];
        let mut tsize = 4;
        let mut counts = c;
        if data[4] >= b'2' {
            let v1 = c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
            let rest = data.get(44 + v1..)?;
            counts = header(rest)?;
            body = &rest[44..];
            tsize = 8;
        }
        let [isut, isstd, leap, timecnt, typecnt, charcnt] = counts;
        let times = body.get(..timecnt * tsize)?;
        let idx = body.get(timecnt * tsize..timecnt * (tsize + 1))?;
        let tstart = timecnt * (tsize + 1);
        let ttinfo = body.get(tstart..tstart + typecnt * 6)?;
        let chars = body.get(tstart + typecnt * 6..tstart + typecnt * 6 + charcnt)?;
        let mut types = Vec::with_capacity(typecnt);
        for k in 0..typecnt {
            let e = &ttinfo[k * 6..k * 6 + 6];
            let offset = i32::from_be_bytes(e[..4].try_into().ok()?) as i64;
            let ai = e[5] as usize;
            let abbr = chars.get(ai..)?;
            let end = abbr.iter().position(|&b| b == 0).unwrap_or(abbr.len());
            types.push(ZoneType {
                offset,
                dst: e[4] != 0,
                abbr: String::from_utf8_lossy(&abbr[..end]).into(),
            });
        }
        if types.is_empty() {
            return None;
        }
        let mut transitions = Vec::with_capacity(timecnt);
        for k in 0..timecnt {
            let t = if tsize == 8 {
                i64::from_be_bytes(times[k * 8..k * 8 + 8].try_into().ok()?)
            } else {
                i32::from_be_bytes(times[k * 4..k * 4 + 4].try_into().ok()?) as i64
            };
            let ty = idx[k] as usize;
            if ty >= types.len() {
                return None;
            }
            transitions.push((t, ty));
        }
        // Version 2+: the POSIX TZ string for later times, between
        // newlines after the data.
        let mut rule = None;
        if tsize == 8 {
            let end = timecnt * 9 + typecnt * 6 + charcnt + leap * 12 + isstd + isut;
            if let Some(footer) = body.get(end..)
                && let Some(rest) = footer.strip_prefix(b"\n")
                && let Some(nl) = rest.iter().position(|&c| c == b'\n')
            {
                rule = PosixTz::parse(&rest[..nl]);
            }
        }
        Some(Zone {
            types,
            transitions,
            rule,
        })
    }

    /// The type in force before the first transition: the first standard
    /// time type (as the C library picks it), else the first type.
    fn first_type(&self) -> usize {
        if let Some(&(_, ty)) = self.transitions.first()
            && !self.types[ty].dst
        {
            return ty;
        }
        self.types.iter().position(|t| !t.dst).unwrap_or(0)
    }

    /// The offset east of UTC, the abbreviation and whether daylight
    /// saving time is in effect at time `t`.
    pub fn lookup(&self, t: i64) -> (i64, &str, bool) {
        let t = t.clamp(-ZONE_LIMIT, ZONE_LIMIT);
        let k = self.transitions.partition_point(|&(tt, _)| tt <= t);
        if let Some(rule) = &self.rule
            && k == self.transitions.len()
            && (k > 0 || self.types.is_empty())
        {
            return rule.lookup(t);
        }
        let ty = if k == 0 {
            self.first_type()
        } else {
            self.transitions[k - 1].1
        };
        let z = &self.types[ty];
        (z.offset, &z.abbr, z.dst)
    }
}

thread_local! {
    /// The local zone, with the `TZ` value it was loaded for.
    static LOCAL_ZONE: std::cell::RefCell<Option<(Option<std::ffi::OsString>, Rc<Zone>)>> =
        const { std::cell::RefCell::new(None) };
}

/// The local time zone, as the C library finds it: from `TZ` (a zone
/// name under /usr/share/zoneinfo, or a path; empty for UTC), else
/// /etc/localtime, else UTC. Reloaded when `TZ` changes.
pub fn local_zone() -> Rc<Zone> {
    let tz = std::env::var_os("TZ");
    LOCAL_ZONE.with(|c| {
        let mut c = c.borrow_mut();
        if let Some((key, z)) = c.as_ref()
            && *key == tz
        {
            return z.clone();
        }
        let z = Rc::new(load_zone(tz.as_deref()));
        *c = Some((tz, z.clone()));
        z
    })
}

fn load_zone(tz: Option<&std::ffi::OsStr>) -> Zone {
    let path = match tz {
        None => std::path::PathBuf::from("/etc/localtime"),
        Some(s) => {
            let s = s.to_string_lossy();
            let s = s.strip_prefix(':').unwrap_or(&s);
            if s.is_empty() {
                return Zone::utc();
            }
            if s.starts_with('/') {
                std::path::PathBuf::from(s)
            } else {
                std::path::Path::new("/usr/share/zoneinfo").join(s)
            }
        }
    };
    if let Some(z) = std::fs::read(&path).ok().and_then(|d| Zone::from_tzif(&d)) {
        return z;
    }
    // Not a zone file: a POSIX TZ string ("EST5EDT,M3.2.0,M11.1.0").
    match tz.and_then(|s| PosixTz::parse(s.as_encoded_bytes())) {
        Some(rule) => Zone {
            types: Vec::new(),
            transitions: Vec::new(),
            rule: Some(rule),
        },
        None => Zone::utc(),
    }
}

/// A POSIX TZ rule (`std offset [dst [offset] [,start[/time],end[/time]]]`).
#[derive(Clone, Debug, PartialEq)]
struct PosixTz {
    std: ZoneType,
    /// The daylight saving time and the rules of its start and end.
    dst: Option<(ZoneType, DateRule, DateRule)>,
}

/// The day a change happens on, and its local time in seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
enum DateRule {
    /// `Jn`: day 1..=365, February 29 never counted.
    Julian(i64, i64),
    /// `n`: day 0..=365, February 29 counted.
    Day(i64, i64),
    /// `Mm.w.d`: day `d` (0 = Sunday) of week `w` (5 = last) of month `m`.
    MonthWeekDay(i64, i64, i64, i64),
}

impl PosixTz {
    /// Parses a TZ string as the C library does; `None` when malformed.
    fn parse(s: &[u8]) -> Option<PosixTz> {
        let mut p = TzParser { s, i: 0 };
        let std_name = p.name()?;
        let std_off = -p.offset()?;
        let std = ZoneType {
            offset: std_off,
            dst: false,
            abbr: std_name,
        };
        if p.done() {
            return Some(PosixTz { std, dst: None });
        }
        let dst_name = p.name()?;
        let dst_off = if p.done() || p.peek() == Some(b',') {
            std_off + 3600
        } else {
            -p.offset()?
        };
        let dst = ZoneType {
            offset: dst_off,
            dst: true,
            abbr: dst_name,
        };
        let (start, end) = if p.done() {
            // The default rules (the United States').
            (
                DateRule::MonthWeekDay(3, 2, 0, 7200),
                DateRule::MonthWeekDay(11, 1, 0, 7200),
            )
        } else {
            p.expect(b',')?;
            let start = p.rule()?;
            p.expect(b',')?;
            let end = p.rule()?;
            (start, end)
        };
        if !p.done() {
            return None;
        }
        Some(PosixTz {
            std,
            dst: Some((dst, start, end)),
        })
    }

    /// The offset, abbreviation and daylight saving flag at `t`.
    fn lookup(&self, t: i64) -> (i64, &str, bool) {
        let Some((dst, start, end)) = &self.dst else {
            return (self.std.offset, &self.std.abbr, false);
        };
        let (year, _, _) = civil_from_days(floor_div(t, 86400));
        let ysec = t - days_from_civil(year, 1, 1) * 86400;
        let mut start_sec = start.seconds_in_year(year) - self.std.offset;
        let mut end_sec = end.seconds_in_year(year) - dst.offset;
        let (mut inside, mut outside) = (dst, &self.std);
        if end_sec < start_sec {
            // Southern hemisphere: the year starts in daylight saving time.
            std::mem::swap(&mut start_sec, &mut end_sec);
            std::mem::swap(&mut inside, &mut outside);
        }
        let z = if ysec < start_sec || ysec >= end_sec {
            outside
        } else {
            inside
        };
        (z.offset, &z.abbr, z.dst)
    }
}

impl DateRule {
    /// Seconds from the start of `year` to the change (local time).
    fn seconds_in_year(self, year: i64) -> i64 {
        let (day, time) = match self {
            DateRule::Julian(n, time) => (n - 1 + (is_leap(year) && n >= 60) as i64, time),
            DateRule::Day(n, time) => (n, time),
            DateRule::MonthWeekDay(m, w, d, time) => {
                let first = days_from_civil(year, m, 1);
                let dow = floor_mod(first + 4, 7); // 1970-01-01 was a Thursday
                let mut day = floor_mod(d - dow, 7);
                let next = if m == 12 {
                    days_from_civil(year + 1, 1, 1)
                } else {
                    days_from_civil(year, m + 1, 1)
                };
                for _ in 1..w {
                    if day + 7 >= next - first {
                        break;
                    }
                    day += 7;
                }
                (first - days_from_civil(year, 1, 1) + day, time)
            }
        };
        day * 86400 + time
    }
}

/// A cursor over a TZ string.
struct TzParser<'a> {
    s: &'a [u8],
    i: usize,
}

impl TzParser<'_> {
    fn done(&self) -> bool {
        self.i >= self.s.len()
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        (self.peek() == Some(c)).then(|| self.i += 1)
    }

    /// A zone abbreviation: three or more letters, or `<...>`.
    fn name(&mut self) -> Option<String> {
        let rest = &self.s[self.i..];
        if rest.first() == Some(&b'<') {
            let end = rest.iter().position(|&c| c == b'>')?;
            self.i += end + 1;
            return Some(String::from_utf8_lossy(&rest[1..end]).into_owned());
        }
        let n = rest.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        if n < 3 {
            return None;
        }
        self.i += n;
        Some(String::from_utf8_lossy(&rest[..n]).into_owned())
    }

    fn number(&mut self) -> Option<i64> {
        let rest = &self.s[self.i..];
        let n = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 6 {
            return None;
        }
        self.i += n;
        std::str::from_utf8(&rest[..n]).ok()?.parse().ok()
    }

    /// `[+-]hh[:mm[:ss]]` in seconds (positive west of Greenwich, as
    /// written).
    fn offset(&mut self) -> Option<i64> {
        let neg = match self.peek() {
            Some(b'-') => {
                self.i += 1;
                true
            }
            Some(b'+') => {
                self.i += 1;
                false
            }
            _ => false,
        };
        let h = self.number()?;
        if h > 167 {
            return None;
        }
        let mut secs = h * 3600;
        for unit in [60, 1] {
            if self.peek() != Some(b':') {
                break;
            }
            self.i += 1;
            let v = self.number()?;
            if v > 59 {
                return None;
            }
            secs += v * unit;
        }
        Some(if neg { -secs } else { secs })
    }

    /// A date rule with its optional `/time` (02:00 by default).
    fn rule(&mut self) -> Option<DateRule> {
        let make: fn(i64, i64, i64, i64) -> DateRule;
        let (a, b, c) = match self.peek()? {
            b'J' => {
                self.i += 1;
                let n = self.number()?;
                if !(1..=365).contains(&n) {
                    return None;
                }
                make = |n, _, _, t| DateRule::Julian(n, t);
                (n, 0, 0)
            }
            b'M' => {
                self.i += 1;
                let m = self.number()?;
                self.expect(b'.')?;
                let w = self.number()?;
                self.expect(b'.')?;
                let d = self.number()?;
                if !(1..=12).contains(&m) || !(1..=5).contains(&w) || d > 6 {
                    return None;
                }
                make = DateRule::MonthWeekDay;
                (m, w, d)
            }
            _ => {
                let n = self.number()?;
                if n > 365 {
                    return None;
                }
                make = |n, _, _, t| DateRule::Day(n, t);
                (n, 0, 0)
            }
        };
        let time = if self.peek() == Some(b'/') {
            self.i += 1;
            self.offset()?
        } else {
            7200
        };
        Some(make(a, b, c, time))
    }
}

/// Breaks `t` down in zone `zone`, as C's `localtime`.
pub fn localtime(t: i64, zone: &Zone) -> Option<Tm> {
    let (off, name, dst) = zone.lookup(t);
    let mut tm = gmtime(t.checked_add(off)?)?;
    tm.gmtoff = off;
    tm.zone = name.into();
    tm.isdst = dst as i32;
    Some(tm)
}

/// Converts a broken-down local time to seconds since the epoch, as C's
/// `mktime`: fields out of their ranges carry over into the next ones,
/// `isdst` > 0 or == 0 asks for daylight saving or standard time (a
/// mismatch shifts the result like glibc does), and `tm` is replaced by
/// the normalised time. `None` when the result cannot be represented.
pub fn mktime(tm: &mut Tm, zone: &Zone) -> Option<i64> {
    let year = tm.year + 1900 + floor_div(tm.mon, 12);
    let mon = floor_mod(tm.mon, 12);
    let days = days_from_civil(year, mon + 1, 1) + tm.mday - 1;
    let local = days * 86400 + tm.hour * 3600 + tm.min * 60 + tm.sec;
    let (mut t, dst, fixed) = local_to_utc(zone, local, tm.isdst);
    if !fixed && tm.isdst >= 0 && (tm.isdst > 0) != dst {
        t = mktime_dst(zone, local, t, tm.isdst > 0);
    }
    let res = localtime(t, zone)?;
    *tm = res;
    Some(t)
}

/// The time whose local time in `zone` is `local` (seconds since the epoch
/// as if the local time were UTC), and whether daylight saving time is in
/// effect then, as glibc's mktime finds it in a fresh process: starting
/// from the offset in force at the instant `local`, then from the offset
/// found there. When both fail, `local` falls in a gap; of the two times
/// an hour apart around it, the one whose daylight saving status differs
/// from `hint` is taken (for `hint` < 0, the daylight saving one), and the
/// third result reports that the hint has been dealt with.
fn local_to_utc(zone: &Zone, local: i64, hint: i32) -> (i64, bool, bool) {
    let (o0, _, _) = zone.lookup(local);
    let t0 = local - o0;
    let (o1, _, d1) = zone.lookup(t0);
    if o1 == o0 {
        return (t0, d1, false);
    }
    let t1 = local - o1;
    let (o2, _, d2) = zone.lookup(t1);
    if o2 == o1 {
        return (t1, d2, false);
    }
    if d1 == (hint <= 0) {
        return (t0, d1, true);
    }
    (t1, d2, true)
}

/// Corrects `t`, the time of `local`, when it has the wrong daylight
/// saving status: looks for a nearby time with the wanted status and uses
/// its offset, or else shifts `t` by an hour (as glibc's mktime does).
fn mktime_dst(zone: &Zone, local: i64, t: i64, want_dst: bool) -> i64 {
    const STRIDE: i64 = 601200;
    const BOUND: i64 = 536454000;
    let mut delta = STRIDE;
    while delta < BOUND {
        for ot in [t - delta, t + delta] {
            let (off, _, dst) = zone.lookup(ot);
            if dst == want_dst {
                return local - off;
            }
        }
        delta += STRIDE;
    }
    if want_dst { t - 3600 } else { t + 3600 }
}

// ----- strftime -----

const DAY_NAMES: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The valid one-character conversions (C99).
const OPTIONS1: &[u8] = b"aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%";
/// The valid two-character conversions (the E and O modifiers).
const OPTIONS2: [&[u8]; 19] = [
    b"Ec", b"EC", b"Ex", b"EX", b"Ey", b"EY", b"Od", b"Oe", b"OH", b"OI", b"Om", b"OM", b"OS",
    b"Ou", b"OU", b"OV", b"Ow", b"OW", b"Oy",
];

/// Formats `tm` as C's `strftime` in the C locale, one conversion at a
/// time (the reference calls strftime for each one), appending to `buf`.
/// The error is the message for an invalid conversion ("invalid
/// conversion specifier '%Ez'").
pub fn strftime(buf: &mut Vec<u8>, format: &[u8], tm: &Tm) -> Result<(), Vec<u8>> {
    let mut i = 0;
    while i < format.len() {
        let c = format[i];
        if c != b'%' {
            buf.push(c);
            i += 1;
            continue;
        }
        let rest = &format[i + 1..];
        let conv;
        if !rest.is_empty() && OPTIONS1.contains(&rest[0]) {
            conv = rest[0];
            i += 2;
        } else if rest.len() >= 2 && OPTIONS2.contains(&&rest[..2]) {
            conv = rest[1]; // in the C locale E and O change nothing
            i += 3;
        } else {
            // The reference shows the rest as a C string.
            let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
            let mut msg = b"invalid conversion specifier '%".to_vec();
            msg.extend_from_slice(&rest[..end]);
            msg.push(b'\'');
            return Err(msg);
        }
        format_conv(buf, conv, tm);
    }
    Ok(())
}

/// Appends `n` in decimal, padded to `width` with `pad`.
fn pad(buf: &mut Vec<u8>, n: i64, width: usize, padc: u8) {
    let s = n.unsigned_abs().to_string();
    let mut width = width;
    if n < 0 {
        buf.push(b'-');
        width = width.saturating_sub(1);
    }
    for _ in s.len()..width {
        buf.push(padc);
    }
    buf.extend_from_slice(s.as_bytes());
}

/// The calendar year of `tm` as C computes it from `tm_year` in an int
/// (wrapping at the very end of the range, as glibc does).
fn year_of(tm: &Tm) -> i64 {
    (tm.year + 1900) as i32 as i64
}

/// Days from the first day of the first ISO week of the year (the Monday
/// of the week with the year's first Thursday) to the day with year day
/// `yday` and week day `wday`.
fn iso_week_days(yday: i64, wday: i64) -> i64 {
    const BIG_MULTIPLE_OF_7: i64 = (366 / 7 + 2) * 7; // keeps % positive
    yday - (yday - wday + 4 + BIG_MULTIPLE_OF_7) % 7 + 3
}

/// The ISO 8601 week-based year and week number of `tm`.
fn iso_week(tm: &Tm) -> (i64, i64) {
    let mut year = year_of(tm);
    let mut days = iso_week_days(tm.yday, tm.wday);
    if days < 0 {
        // The week belongs to the previous year.
        year -= 1;
        let ylen = if is_leap(year) { 366 } else { 365 };
        days = iso_week_days(tm.yday + ylen, tm.wday);
    } else {
        let ylen = if is_leap(year) { 366 } else { 365 };
        let d = iso_week_days(tm.yday - ylen, tm.wday);
        if d >= 0 {
            // Next year's.
            year += 1;
            days = d;
        }
    }
    (year, days / 7 + 1)
}

/// Appends conversion `conv` of `tm`.
fn format_conv(buf: &mut Vec<u8>, conv: u8, tm: &Tm) {
    let hour12 = if tm.hour % 12 == 0 { 12 } else { tm.hour % 12 };
    let day = DAY_NAMES[tm.wday.rem_euclid(7) as usize];
    let month = MONTH_NAMES[tm.mon.rem_euclid(12) as usize];
    let seq = |buf: &mut Vec<u8>, parts: &[u8]| {
        for &p in parts {
            if p.is_ascii_alphabetic() {
                format_conv(buf, p, tm);
            } else {
                buf.push(p);
            }
        }
    };
    match conv {
        b'a' => buf.extend_from_slice(&day.as_bytes()[..3]),
        b'A' => buf.extend_from_slice(day.as_bytes()),
        b'b' | b'h' => buf.extend_from_slice(&month.as_bytes()[..3]),
        b'B' => buf.extend_from_slice(month.as_bytes()),
        b'c' => seq(buf, b"a b e T Y"),
        b'C' => pad(buf, floor_div(year_of(tm), 100), 1, b'0'),
        b'd' => pad(buf, tm.mday, 2, b'0'),
        b'D' | b'x' => seq(buf, b"m/d/y"),
        b'e' => pad(buf, tm.mday, 2, b' '),
        b'F' => seq(buf, b"Y-m-d"),
        b'g' => pad(buf, floor_mod(iso_week(tm).0, 100), 2, b'0'),
        b'G' => pad(buf, iso_week(tm).0, 1, b'0'),
        b'H' => pad(buf, tm.hour, 2, b'0'),
        b'I' => pad(buf, hour12, 2, b'0'),
        b'j' => pad(buf, tm.yday + 1, 3, b'0'),
        b'm' => pad(buf, tm.mon + 1, 2, b'0'),
        b'M' => pad(buf, tm.min, 2, b'0'),
        b'n' => buf.push(b'\n'),
        b'p' => buf.extend_from_slice(if tm.hour < 12 { b"AM" } else { b"PM" }),
        b'r' => {
            pad(buf, hour12, 2, b'0');
            seq(buf, b":M:S p");
        }
        b'R' => seq(buf, b"H:M"),
        b'S' => pad(buf, tm.sec, 2, b'0'),
        b't' => buf.push(b'\t'),
        b'T' | b'X' => seq(buf, b"H:M:S"),
        b'u' => pad(buf, (tm.wday + 6) % 7 + 1, 1, b'0'),
        b'U' => pad(buf, (tm.yday + 7 - tm.wday) / 7, 2, b'0'),
        b'V' => pad(buf, iso_week(tm).1, 2, b'0'),
        b'w' => pad(buf, tm.wday, 1, b'0'),
        b'W' => pad(buf, (tm.yday + 7 - (tm.wday + 6) % 7) / 7, 2, b'0'),
        b'y' => pad(buf, floor_mod(tm.year, 100), 2, b'0'),
        b'Y' => pad(buf, year_of(tm), 1, b'0'),
        b'z' => {
            let mut off = tm.gmtoff;
            buf.push(if off < 0 { b'-' } else { b'+' });
            off = off.abs();
            pad(buf, off / 3600 * 100 + off / 60 % 60, 4, b'0');
        }
        b'Z' => buf.extend_from_slice(tm.zone.as_bytes()),
        b'%' => buf.push(b'%'),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every conversion the reference accepts; the expected strings below
    /// were printed by lua5.4 with os.date("!" .. FORMAT_ALL, t).
    const FORMAT_ALL: &str = "%a|%A|%b|%B|%c|%C|%d|%D|%e|%F|%g|%G|%h|%H|%I|%j|%m|%M|%n|%p|%r|%R|%S|%t|%T|%u|%U|%V|%w|%W|%x|%X|%y|%Y|%z|%Z|%%|%Ec|%EC|%Ex|%EX|%Ey|%EY|%Od|%Oe|%OH|%OI|%Om|%OM|%OS|%Ou|%OU|%OV|%Ow|%OW|%Oy";

    const DATE_CASES: &[(i64, &str)] = &[
        (
            0,
            "Thu|Thursday|Jan|January|Thu Jan  1 00:00:00 1970|19|01|01/01/70| 1|1970-01-01|70|1970|Jan|00|12|001|01|00|\n|AM|12:00:00 AM|00:00|00|\t|00:00:00|4|00|01|4|00|01/01/70|00:00:00|70|1970|+0000|GMT|%|Thu Jan  1 00:00:00 1970|19|01/01/70|00:00:00|70|1970|01| 1|00|12|01|00|00|4|00|01|4|00|70",
        ),
        (
            1,
            "Thu|Thursday|Jan|January|Thu Jan  1 00:00:01 1970|19|01|01/01/70| 1|1970-01-01|70|1970|Jan|00|12|001|01|00|\n|AM|12:00:01 AM|00:00|01|\t|00:00:01|4|00|01|4|00|01/01/70|00:00:01|70|1970|+0000|GMT|%|Thu Jan  1 00:00:01 1970|19|01/01/70|00:00:01|70|1970|01| 1|00|12|01|00|01|4|00|01|4|00|70",
        ),
        (
            -1,
            "Wed|Wednesday|Dec|December|Wed Dec 31 23:59:59 1969|19|31|12/31/69|31|1969-12-31|70|1970|Dec|23|11|365|12|59|\n|PM|11:59:59 PM|23:59|59|\t|23:59:59|3|52|01|3|52|12/31/69|23:59:59|69|1969|+0000|GMT|%|Wed Dec 31 23:59:59 1969|19|12/31/69|23:59:59|69|1969|31|31|23|11|12|59|59|3|52|01|3|52|69",
        ),
        (
            59,
            "Thu|Thursday|Jan|January|Thu Jan  1 00:00:59 1970|19|01|01/01/70| 1|1970-01-01|70|1970|Jan|00|12|001|01|00|\n|AM|12:00:59 AM|00:00|59|\t|00:00:59|4|00|01|4|00|01/01/70|00:00:59|70|1970|+0000|GMT|%|Thu Jan  1 00:00:59 1970|19|01/01/70|00:00:59|70|1970|01| 1|00|12|01|00|59|4|00|01|4|00|70",
        ),
        (
            3599,
            "Thu|Thursday|Jan|January|Thu Jan  1 00:59:59 1970|19|01|01/01/70| 1|1970-01-01|70|1970|Jan|00|12|001|01|59|\n|AM|12:59:59 AM|00:59|59|\t|00:59:59|4|00|01|4|00|01/01/70|00:59:59|70|1970|+0000|GMT|%|Thu Jan  1 00:59:59 1970|19|01/01/70|00:59:59|70|1970|01| 1|00|12|01|59|59|4|00|01|4|00|70",
        ),
        (
            43199,
            "Thu|Thursday|Jan|January|Thu Jan  1 11:59:59 1970|19|01|01/01/70| 1|1970-01-01|70|1970|Jan|11|11|001|01|59|\n|AM|11:59:59 AM|11:59|59|\t|11:59:59|4|00|01|4|00|01/01/70|11:59:59|70|1970|+0000|GMT|%|Thu Jan  1 11:59:59 1970|19|01/01/70|11:59:59|70|1970|01| 1|11|11|01|59|59|4|00|01|4|00|70",
        ),
        (
            43200,
            "Thu|Thursday|Jan|January|Thu Jan  1 12:00:00 1970|19|01|01/01/70| 1|1970-01-01|70|1970|Jan|12|12|001|01|00|\n|PM|12:00:00 PM|12:00|00|\t|12:00:00|4|00|01|4|00|01/01/70|12:00:00|70|1970|+0000|GMT|%|Thu Jan  1 12:00:00 1970|19|01/01/70|12:00:00|70|1970|01| 1|12|12|01|00|00|4|00|01|4|00|70",
        ),
        (
            86399,
            "Thu|Thursday|Jan|January|Thu Jan  1 23:59:59 1970|19|01|01/01/70| 1|1970-01-01|70|1970|Jan|23|11|001|01|59|\n|PM|11:59:59 PM|23:59|59|\t|23:59:59|4|00|01|4|00|01/01/70|23:59:59|70|1970|+0000|GMT|%|Thu Jan  1 23:59:59 1970|19|01/01/70|23:59:59|70|1970|01| 1|23|11|01|59|59|4|00|01|4|00|70",
        ),
        (
            86400,
            "Fri|Friday|Jan|January|Fri Jan  2 00:00:00 1970|19|02|01/02/70| 2|1970-01-02|70|1970|Jan|00|12|002|01|00|\n|AM|12:00:00 AM|00:00|00|\t|00:00:00|5|00|01|5|00|01/02/70|00:00:00|70|1970|+0000|GMT|%|Fri Jan  2 00:00:00 1970|19|01/02/70|00:00:00|70|1970|02| 2|00|12|01|00|00|5|00|01|5|00|70",
        ),
        (
            1000000000,
            "Sun|Sunday|Sep|September|Sun Sep  9 01:46:40 2001|20|09|09/09/01| 9|2001-09-09|01|2001|Sep|01|01|252|09|46|\n|AM|01:46:40 AM|01:46|40|\t|01:46:40|7|36|36|0|36|09/09/01|01:46:40|01|2001|+0000|GMT|%|Sun Sep  9 01:46:40 2001|20|09/09/01|01:46:40|01|2001|09| 9|01|01|09|46|40|7|36|36|0|36|01",
        ),
        (
            -1000000000,
            "Sun|Sunday|Apr|April|Sun Apr 24 22:13:20 1938|19|24|04/24/38|24|1938-04-24|38|1938|Apr|22|10|114|04|13|\n|PM|10:13:20 PM|22:13|20|\t|22:13:20|7|17|16|0|16|04/24/38|22:13:20|38|1938|+0000|GMT|%|Sun Apr 24 22:13:20 1938|19|04/24/38|22:13:20|38|1938|24|24|22|10|04|13|20|7|17|16|0|16|38",
        ),
        (
            951782400,
            "Tue|Tuesday|Feb|February|Tue Feb 29 00:00:00 2000|20|29|02/29/00|29|2000-02-29|00|2000|Feb|00|12|060|02|00|\n|AM|12:00:00 AM|00:00|00|\t|00:00:00|2|09|09|2|09|02/29/00|00:00:00|00|2000|+0000|GMT|%|Tue Feb 29 00:00:00 2000|20|02/29/00|00:00:00|00|2000|29|29|00|12|02|00|00|2|09|09|2|09|00",
        ),
        (
            951868800,
            "Wed|Wednesday|Mar|March|Wed Mar  1 00:00:00 2000|20|01|03/01/00| 1|2000-03-01|00|2000|Mar|00|12|061|03|00|\n|AM|12:00:00 AM|00:00|00|\t|00:00:00|3|09|09|3|09|03/01/00|00:00:00|00|2000|+0000|GMT|%|Wed Mar  1 00:00:00 2000|20|03/01/00|00:00:00|00|2000|01| 1|00|12|03|00|00|3|09|09|3|09|00",
        ),
        (
            1078012800,
            "Sun|Sunday|Feb|February|Sun Feb 29 00:00:00 2004|20|29|02/29/04|29|2004-02-29|04|2004|Feb|00|12|060|02|00|\n|AM|12:00:00 AM|00:00|00|\t|00:00:00|7|09|09|0|08|02/29/04|00:00:00|04|2004|+0000|GMT|%|Sun Feb 29 00:00:00 2004|20|02/29/04|00:00:00|04|2004|29|29|00|12|02|00|00|7|09|09|0|08|04",
        ),
        (
            -62135596800,
            "Mon|Monday|Jan|January|Mon Jan  1 00:00:00 1|0|01|01/01/01| 1|1-01-01|01|1|Jan|00|12|001|01|00|\n|AM|12:00:00 AM|00:00|00|\t|00:00:00|1|00|01|1|01|01/01/01|00:00:00|01|1|+0000|GMT|%|Mon Jan  1 00:00:00 1|0|01/01/01|00:00:00|01|1|01| 1|00|12|01|00|00|1|00|01|1|01|01",
        ),
        (
            -62135596801,
            "Sun|Sunday|Dec|December|Sun Dec 31 23:59:59 0|0|31|12/31/00|31|0-12-31|00|0|Dec|23|11|366|12|59|\n|PM|11:59:59 PM|23:59|59|\t|23:59:59|7|53|52|0|52|12/31/00|23:59:59|00|0|+0000|GMT|%|Sun Dec 31 23:59:59 0|0|12/31/00|23:59:59|00|0|31|31|23|11|12|59|59|7|53|52|0|52|00",
        ),
        (
            -100000000000,
            "Thu|Thursday|Feb|February|Thu Feb 15 14:13:20 -1199|-12|15|02/15/01|15|-1199-02-15|01|-1199|Feb|14|02|046|02|13|\n|PM|02:13:20 PM|14:13|20|\t|14:13:20|4|06|07|4|07|02/15/01|14:13:20|01|-1199|+0000|GMT|%|Thu Feb 15 14:13:20 -1199|-12|02/15/01|14:13:20|01|-1199|15|15|14|02|02|13|20|4|06|07|4|07|01",
        ),
        (
            253402300800,
            "Sat|Saturday|Jan|January|Sat Jan  1 00:00:00 10000|100|01|01/01/00| 1|10000-01-01|99|9999|Jan|00|12|001|01|00|\n|AM|12:00:00 AM|00:00|00|\t|00:00:00|6|00|52|6|00|01/01/00|00:00:00|00|10000|+0000|GMT|%|Sat Jan  1 00:00:00 10000|100|01/01/00|00:00:00|00|10000|01| 1|00|12|01|00|00|6|00|52|6|00|00",
        ),
        (
            1000000000000,
            "Fri|Friday|Sep|September|Fri Sep 27 01:46:40 33658|336|27|09/27/58|27|33658-09-27|58|33658|Sep|01|01|270|09|46|\n|AM|01:46:40 AM|01:46|40|\t|01:46:40|5|38|39|5|38|09/27/58|01:46:40|58|33658|+0000|GMT|%|Fri Sep 27 01:46:40 33658|336|09/27/58|01:46:40|58|33658|27|27|01|01|09|46|40|5|38|39|5|38|58",
        ),
        (
            1000000000000000,
            "Sun|Sunday|Jul|July|Sun Jul  5 01:46:40 31690708|316907|05|07/05/08| 5|31690708-07-05|08|31690708|Jul|01|01|187|07|46|\n|AM|01:46:40 AM|01:46|40|\t|01:46:40|7|27|27|0|26|07/05/08|01:46:40|08|31690708|+0000|GMT|%|Sun Jul  5 01:46:40 31690708|316907|07/05/08|01:46:40|08|31690708|05| 5|01|01|07|46|40|7|27|27|0|26|08",
        ),
        (
            -1000000000000000,
            "Sun|Sunday|Jun|June|Sun Jun 29 22:13:20 -31686769|-316868|29|06/29/31|29|-31686769-06-29|31|-31686769|Jun|22|10|180|06|13|\n|PM|10:13:20 PM|22:13|20|\t|22:13:20|7|26|26|0|25|06/29/31|22:13:20|31|-31686769|+0000|GMT|%|Sun Jun 29 22:13:20 -31686769|-316868|06/29/31|22:13:20|31|-31686769|29|29|22|10|06|13|20|7|26|26|0|25|31",
        ),
        (
            67767976233316800,
            "Sun|Sunday|Dec|December|Sun Dec 29 12:00:00 2147483647|21474836|29|12/29/47|29|2147483647-12-29|47|2147483647|Dec|12|12|363|12|00|\n|PM|12:00:00 PM|12:00|00|\t|12:00:00|7|52|52|0|51|12/29/47|12:00:00|47|2147483647|+0000|GMT|%|Sun Dec 29 12:00:00 2147483647|21474836|12/29/47|12:00:00|47|2147483647|29|29|12|12|12|00|00|7|52|52|0|51|47",
        ),
        (
            67768036191676799,
            "Wed|Wednesday|Dec|December|Wed Dec 31 23:59:59 -2147481749|-21474818|31|12/31/47|31|-2147481749-12-31|52|-2147481748|Dec|23|11|365|12|59|\n|PM|11:59:59 PM|23:59|59|\t|23:59:59|3|52|01|3|52|12/31/47|23:59:59|47|-2147481749|+0000|GMT|%|Wed Dec 31 23:59:59 -2147481749|-21474818|12/31/47|23:59:59|47|-2147481749|31|31|23|11|12|59|59|3|52|01|3|52|47",
        ),
        (
            -67768040609740800,
            "Thu|Thursday|Jan|January|Thu Jan  1 00:00:00 -2147481748|-21474818|01|01/01/52| 1|-2147481748-01-01|52|-2147481748|Jan|00|12|001|01|00|\n|AM|12:00:00 AM|00:00|00|\t|00:00:00|4|00|01|4|00|01/01/52|00:00:00|52|-2147481748|+0000|GMT|%|Thu Jan  1 00:00:00 -2147481748|-21474818|01/01/52|00:00:00|52|-2147481748|01| 1|00|12|01|00|00|4|00|01|4|00|52",
        ),
        (
            1700000000,
            "Tue|Tuesday|Nov|November|Tue Nov 14 22:13:20 2023|20|14|11/14/23|14|2023-11-14|23|2023|Nov|22|10|318|11|13|\n|PM|10:13:20 PM|22:13|20|\t|22:13:20|2|46|46|2|46|11/14/23|22:13:20|23|2023|+0000|GMT|%|Tue Nov 14 22:13:20 2023|20|11/14/23|22:13:20|23|2023|14|14|22|10|11|13|20|2|46|46|2|46|23",
        ),
        (
            2147483647,
            "Tue|Tuesday|Jan|January|Tue Jan 19 03:14:07 2038|20|19|01/19/38|19|2038-01-19|38|2038|Jan|03|03|019|01|14|\n|AM|03:14:07 AM|03:14|07|\t|03:14:07|2|03|03|2|03|01/19/38|03:14:07|38|2038|+0000|GMT|%|Tue Jan 19 03:14:07 2038|20|01/19/38|03:14:07|38|2038|19|19|03|03|01|14|07|2|03|03|2|03|38",
        ),
        (
            -2147483648,
            "Fri|Friday|Dec|December|Fri Dec 13 20:45:52 1901|19|13|12/13/01|13|1901-12-13|01|1901|Dec|20|08|347|12|45|\n|PM|08:45:52 PM|20:45|52|\t|20:45:52|5|49|50|5|49|12/13/01|20:45:52|01|1901|+0000|GMT|%|Fri Dec 13 20:45:52 1901|19|12/13/01|20:45:52|01|1901|13|13|20|08|12|45|52|5|49|50|5|49|01",
        ),
        (
            4102444800,
            "Fri|Friday|Jan|January|Fri Jan  1 00:00:00 2100|21|01|01/01/00| 1|2100-01-01|99|2099|Jan|00|12|001|01|00|\n|AM|12:00:00 AM|00:00|00|\t|00:00:00|5|00|53|5|00|01/01/00|00:00:00|00|2100|+0000|GMT|%|Fri Jan  1 00:00:00 2100|21|01/01/00|00:00:00|00|2100|01| 1|00|12|01|00|00|5|00|53|5|00|00",
        ),
        (
            914677200,
            "Sat|Saturday|Dec|December|Sat Dec 26 13:00:00 1998|19|26|12/26/98|26|1998-12-26|98|1998|Dec|13|01|360|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|6|51|52|6|51|12/26/98|13:00:00|98|1998|+0000|GMT|%|Sat Dec 26 13:00:00 1998|19|12/26/98|13:00:00|98|1998|26|26|13|01|12|00|00|6|51|52|6|51|98",
        ),
        (
            914763600,
            "Sun|Sunday|Dec|December|Sun Dec 27 13:00:00 1998|19|27|12/27/98|27|1998-12-27|98|1998|Dec|13|01|361|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|52|52|0|51|12/27/98|13:00:00|98|1998|+0000|GMT|%|Sun Dec 27 13:00:00 1998|19|12/27/98|13:00:00|98|1998|27|27|13|01|12|00|00|7|52|52|0|51|98",
        ),
        (
            914850000,
            "Mon|Monday|Dec|December|Mon Dec 28 13:00:00 1998|19|28|12/28/98|28|1998-12-28|98|1998|Dec|13|01|362|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|52|53|1|52|12/28/98|13:00:00|98|1998|+0000|GMT|%|Mon Dec 28 13:00:00 1998|19|12/28/98|13:00:00|98|1998|28|28|13|01|12|00|00|1|52|53|1|52|98",
        ),
        (
            914936400,
            "Tue|Tuesday|Dec|December|Tue Dec 29 13:00:00 1998|19|29|12/29/98|29|1998-12-29|98|1998|Dec|13|01|363|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|52|53|2|52|12/29/98|13:00:00|98|1998|+0000|GMT|%|Tue Dec 29 13:00:00 1998|19|12/29/98|13:00:00|98|1998|29|29|13|01|12|00|00|2|52|53|2|52|98",
        ),
        (
            915022800,
            "Wed|Wednesday|Dec|December|Wed Dec 30 13:00:00 1998|19|30|12/30/98|30|1998-12-30|98|1998|Dec|13|01|364|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|52|53|3|52|12/30/98|13:00:00|98|1998|+0000|GMT|%|Wed Dec 30 13:00:00 1998|19|12/30/98|13:00:00|98|1998|30|30|13|01|12|00|00|3|52|53|3|52|98",
        ),
        (
            915109200,
            "Thu|Thursday|Dec|December|Thu Dec 31 13:00:00 1998|19|31|12/31/98|31|1998-12-31|98|1998|Dec|13|01|365|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|4|52|53|4|52|12/31/98|13:00:00|98|1998|+0000|GMT|%|Thu Dec 31 13:00:00 1998|19|12/31/98|13:00:00|98|1998|31|31|13|01|12|00|00|4|52|53|4|52|98",
        ),
        (
            915195600,
            "Fri|Friday|Jan|January|Fri Jan  1 13:00:00 1999|19|01|01/01/99| 1|1999-01-01|98|1998|Jan|13|01|001|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|5|00|53|5|00|01/01/99|13:00:00|99|1999|+0000|GMT|%|Fri Jan  1 13:00:00 1999|19|01/01/99|13:00:00|99|1999|01| 1|13|01|01|00|00|5|00|53|5|00|99",
        ),
        (
            915282000,
            "Sat|Saturday|Jan|January|Sat Jan  2 13:00:00 1999|19|02|01/02/99| 2|1999-01-02|98|1998|Jan|13|01|002|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|6|00|53|6|00|01/02/99|13:00:00|99|1999|+0000|GMT|%|Sat Jan  2 13:00:00 1999|19|01/02/99|13:00:00|99|1999|02| 2|13|01|01|00|00|6|00|53|6|00|99",
        ),
        (
            915368400,
            "Sun|Sunday|Jan|January|Sun Jan  3 13:00:00 1999|19|03|01/03/99| 3|1999-01-03|98|1998|Jan|13|01|003|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|01|53|0|00|01/03/99|13:00:00|99|1999|+0000|GMT|%|Sun Jan  3 13:00:00 1999|19|01/03/99|13:00:00|99|1999|03| 3|13|01|01|00|00|7|01|53|0|00|99",
        ),
        (
            915454800,
            "Mon|Monday|Jan|January|Mon Jan  4 13:00:00 1999|19|04|01/04/99| 4|1999-01-04|99|1999|Jan|13|01|004|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|01|01|1|01|01/04/99|13:00:00|99|1999|+0000|GMT|%|Mon Jan  4 13:00:00 1999|19|01/04/99|13:00:00|99|1999|04| 4|13|01|01|00|00|1|01|01|1|01|99",
        ),
        (
            915541200,
            "Tue|Tuesday|Jan|January|Tue Jan  5 13:00:00 1999|19|05|01/05/99| 5|1999-01-05|99|1999|Jan|13|01|005|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|01|01|2|01|01/05/99|13:00:00|99|1999|+0000|GMT|%|Tue Jan  5 13:00:00 1999|19|01/05/99|13:00:00|99|1999|05| 5|13|01|01|00|00|2|01|01|2|01|99",
        ),
        (
            915627600,
            "Wed|Wednesday|Jan|January|Wed Jan  6 13:00:00 1999|19|06|01/06/99| 6|1999-01-06|99|1999|Jan|13|01|006|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|01|01|3|01|01/06/99|13:00:00|99|1999|+0000|GMT|%|Wed Jan  6 13:00:00 1999|19|01/06/99|13:00:00|99|1999|06| 6|13|01|01|00|00|3|01|01|3|01|99",
        ),
        (
            946213200,
            "Sun|Sunday|Dec|December|Sun Dec 26 13:00:00 1999|19|26|12/26/99|26|1999-12-26|99|1999|Dec|13|01|360|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|52|51|0|51|12/26/99|13:00:00|99|1999|+0000|GMT|%|Sun Dec 26 13:00:00 1999|19|12/26/99|13:00:00|99|1999|26|26|13|01|12|00|00|7|52|51|0|51|99",
        ),
        (
            946299600,
            "Mon|Monday|Dec|December|Mon Dec 27 13:00:00 1999|19|27|12/27/99|27|1999-12-27|99|1999|Dec|13|01|361|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|52|52|1|52|12/27/99|13:00:00|99|1999|+0000|GMT|%|Mon Dec 27 13:00:00 1999|19|12/27/99|13:00:00|99|1999|27|27|13|01|12|00|00|1|52|52|1|52|99",
        ),
        (
            946386000,
            "Tue|Tuesday|Dec|December|Tue Dec 28 13:00:00 1999|19|28|12/28/99|28|1999-12-28|99|1999|Dec|13|01|362|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|52|52|2|52|12/28/99|13:00:00|99|1999|+0000|GMT|%|Tue Dec 28 13:00:00 1999|19|12/28/99|13:00:00|99|1999|28|28|13|01|12|00|00|2|52|52|2|52|99",
        ),
        (
            946472400,
            "Wed|Wednesday|Dec|December|Wed Dec 29 13:00:00 1999|19|29|12/29/99|29|1999-12-29|99|1999|Dec|13|01|363|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|52|52|3|52|12/29/99|13:00:00|99|1999|+0000|GMT|%|Wed Dec 29 13:00:00 1999|19|12/29/99|13:00:00|99|1999|29|29|13|01|12|00|00|3|52|52|3|52|99",
        ),
        (
            946558800,
            "Thu|Thursday|Dec|December|Thu Dec 30 13:00:00 1999|19|30|12/30/99|30|1999-12-30|99|1999|Dec|13|01|364|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|4|52|52|4|52|12/30/99|13:00:00|99|1999|+0000|GMT|%|Thu Dec 30 13:00:00 1999|19|12/30/99|13:00:00|99|1999|30|30|13|01|12|00|00|4|52|52|4|52|99",
        ),
        (
            946645200,
            "Fri|Friday|Dec|December|Fri Dec 31 13:00:00 1999|19|31|12/31/99|31|1999-12-31|99|1999|Dec|13|01|365|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|5|52|52|5|52|12/31/99|13:00:00|99|1999|+0000|GMT|%|Fri Dec 31 13:00:00 1999|19|12/31/99|13:00:00|99|1999|31|31|13|01|12|00|00|5|52|52|5|52|99",
        ),
        (
            946731600,
            "Sat|Saturday|Jan|January|Sat Jan  1 13:00:00 2000|20|01|01/01/00| 1|2000-01-01|99|1999|Jan|13|01|001|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|6|00|52|6|00|01/01/00|13:00:00|00|2000|+0000|GMT|%|Sat Jan  1 13:00:00 2000|20|01/01/00|13:00:00|00|2000|01| 1|13|01|01|00|00|6|00|52|6|00|00",
        ),
        (
            946818000,
            "Sun|Sunday|Jan|January|Sun Jan  2 13:00:00 2000|20|02|01/02/00| 2|2000-01-02|99|1999|Jan|13|01|002|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|01|52|0|00|01/02/00|13:00:00|00|2000|+0000|GMT|%|Sun Jan  2 13:00:00 2000|20|01/02/00|13:00:00|00|2000|02| 2|13|01|01|00|00|7|01|52|0|00|00",
        ),
        (
            946904400,
            "Mon|Monday|Jan|January|Mon Jan  3 13:00:00 2000|20|03|01/03/00| 3|2000-01-03|00|2000|Jan|13|01|003|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|01|01|1|01|01/03/00|13:00:00|00|2000|+0000|GMT|%|Mon Jan  3 13:00:00 2000|20|01/03/00|13:00:00|00|2000|03| 3|13|01|01|00|00|1|01|01|1|01|00",
        ),
        (
            946990800,
            "Tue|Tuesday|Jan|January|Tue Jan  4 13:00:00 2000|20|04|01/04/00| 4|2000-01-04|00|2000|Jan|13|01|004|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|01|01|2|01|01/04/00|13:00:00|00|2000|+0000|GMT|%|Tue Jan  4 13:00:00 2000|20|01/04/00|13:00:00|00|2000|04| 4|13|01|01|00|00|2|01|01|2|01|00",
        ),
        (
            947077200,
            "Wed|Wednesday|Jan|January|Wed Jan  5 13:00:00 2000|20|05|01/05/00| 5|2000-01-05|00|2000|Jan|13|01|005|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|01|01|3|01|01/05/00|13:00:00|00|2000|+0000|GMT|%|Wed Jan  5 13:00:00 2000|20|01/05/00|13:00:00|00|2000|05| 5|13|01|01|00|00|3|01|01|3|01|00",
        ),
        (
            947163600,
            "Thu|Thursday|Jan|January|Thu Jan  6 13:00:00 2000|20|06|01/06/00| 6|2000-01-06|00|2000|Jan|13|01|006|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|4|01|01|4|01|01/06/00|13:00:00|00|2000|+0000|GMT|%|Thu Jan  6 13:00:00 2000|20|01/06/00|13:00:00|00|2000|06| 6|13|01|01|00|00|4|01|01|4|01|00",
        ),
        (
            1072443600,
            "Fri|Friday|Dec|December|Fri Dec 26 13:00:00 2003|20|26|12/26/03|26|2003-12-26|03|2003|Dec|13|01|360|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|5|51|52|5|51|12/26/03|13:00:00|03|2003|+0000|GMT|%|Fri Dec 26 13:00:00 2003|20|12/26/03|13:00:00|03|2003|26|26|13|01|12|00|00|5|51|52|5|51|03",
        ),
        (
            1072530000,
            "Sat|Saturday|Dec|December|Sat Dec 27 13:00:00 2003|20|27|12/27/03|27|2003-12-27|03|2003|Dec|13|01|361|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|6|51|52|6|51|12/27/03|13:00:00|03|2003|+0000|GMT|%|Sat Dec 27 13:00:00 2003|20|12/27/03|13:00:00|03|2003|27|27|13|01|12|00|00|6|51|52|6|51|03",
        ),
        (
            1072616400,
            "Sun|Sunday|Dec|December|Sun Dec 28 13:00:00 2003|20|28|12/28/03|28|2003-12-28|03|2003|Dec|13|01|362|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|52|52|0|51|12/28/03|13:00:00|03|2003|+0000|GMT|%|Sun Dec 28 13:00:00 2003|20|12/28/03|13:00:00|03|2003|28|28|13|01|12|00|00|7|52|52|0|51|03",
        ),
        (
            1072702800,
            "Mon|Monday|Dec|December|Mon Dec 29 13:00:00 2003|20|29|12/29/03|29|2003-12-29|04|2004|Dec|13|01|363|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|52|01|1|52|12/29/03|13:00:00|03|2003|+0000|GMT|%|Mon Dec 29 13:00:00 2003|20|12/29/03|13:00:00|03|2003|29|29|13|01|12|00|00|1|52|01|1|52|03",
        ),
        (
            1072789200,
            "Tue|Tuesday|Dec|December|Tue Dec 30 13:00:00 2003|20|30|12/30/03|30|2003-12-30|04|2004|Dec|13|01|364|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|52|01|2|52|12/30/03|13:00:00|03|2003|+0000|GMT|%|Tue Dec 30 13:00:00 2003|20|12/30/03|13:00:00|03|2003|30|30|13|01|12|00|00|2|52|01|2|52|03",
        ),
        (
            1072875600,
            "Wed|Wednesday|Dec|December|Wed Dec 31 13:00:00 2003|20|31|12/31/03|31|2003-12-31|04|2004|Dec|13|01|365|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|52|01|3|52|12/31/03|13:00:00|03|2003|+0000|GMT|%|Wed Dec 31 13:00:00 2003|20|12/31/03|13:00:00|03|2003|31|31|13|01|12|00|00|3|52|01|3|52|03",
        ),
        (
            1072962000,
            "Thu|Thursday|Jan|January|Thu Jan  1 13:00:00 2004|20|01|01/01/04| 1|2004-01-01|04|2004|Jan|13|01|001|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|4|00|01|4|00|01/01/04|13:00:00|04|2004|+0000|GMT|%|Thu Jan  1 13:00:00 2004|20|01/01/04|13:00:00|04|2004|01| 1|13|01|01|00|00|4|00|01|4|00|04",
        ),
        (
            1073048400,
            "Fri|Friday|Jan|January|Fri Jan  2 13:00:00 2004|20|02|01/02/04| 2|2004-01-02|04|2004|Jan|13|01|002|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|5|00|01|5|00|01/02/04|13:00:00|04|2004|+0000|GMT|%|Fri Jan  2 13:00:00 2004|20|01/02/04|13:00:00|04|2004|02| 2|13|01|01|00|00|5|00|01|5|00|04",
        ),
        (
            1073134800,
            "Sat|Saturday|Jan|January|Sat Jan  3 13:00:00 2004|20|03|01/03/04| 3|2004-01-03|04|2004|Jan|13|01|003|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|6|00|01|6|00|01/03/04|13:00:00|04|2004|+0000|GMT|%|Sat Jan  3 13:00:00 2004|20|01/03/04|13:00:00|04|2004|03| 3|13|01|01|00|00|6|00|01|6|00|04",
        ),
        (
            1073221200,
            "Sun|Sunday|Jan|January|Sun Jan  4 13:00:00 2004|20|04|01/04/04| 4|2004-01-04|04|2004|Jan|13|01|004|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|01|01|0|00|01/04/04|13:00:00|04|2004|+0000|GMT|%|Sun Jan  4 13:00:00 2004|20|01/04/04|13:00:00|04|2004|04| 4|13|01|01|00|00|7|01|01|0|00|04",
        ),
        (
            1073307600,
            "Mon|Monday|Jan|January|Mon Jan  5 13:00:00 2004|20|05|01/05/04| 5|2004-01-05|04|2004|Jan|13|01|005|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|01|02|1|01|01/05/04|13:00:00|04|2004|+0000|GMT|%|Mon Jan  5 13:00:00 2004|20|01/05/04|13:00:00|04|2004|05| 5|13|01|01|00|00|1|01|02|1|01|04",
        ),
        (
            1073394000,
            "Tue|Tuesday|Jan|January|Tue Jan  6 13:00:00 2004|20|06|01/06/04| 6|2004-01-06|04|2004|Jan|13|01|006|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|01|02|2|01|01/06/04|13:00:00|04|2004|+0000|GMT|%|Tue Jan  6 13:00:00 2004|20|01/06/04|13:00:00|04|2004|06| 6|13|01|01|00|00|2|01|02|2|01|04",
        ),
        (
            1104066000,
            "Sun|Sunday|Dec|December|Sun Dec 26 13:00:00 2004|20|26|12/26/04|26|2004-12-26|04|2004|Dec|13|01|361|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|52|52|0|51|12/26/04|13:00:00|04|2004|+0000|GMT|%|Sun Dec 26 13:00:00 2004|20|12/26/04|13:00:00|04|2004|26|26|13|01|12|00|00|7|52|52|0|51|04",
        ),
        (
            1104152400,
            "Mon|Monday|Dec|December|Mon Dec 27 13:00:00 2004|20|27|12/27/04|27|2004-12-27|04|2004|Dec|13|01|362|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|52|53|1|52|12/27/04|13:00:00|04|2004|+0000|GMT|%|Mon Dec 27 13:00:00 2004|20|12/27/04|13:00:00|04|2004|27|27|13|01|12|00|00|1|52|53|1|52|04",
        ),
        (
            1104238800,
            "Tue|Tuesday|Dec|December|Tue Dec 28 13:00:00 2004|20|28|12/28/04|28|2004-12-28|04|2004|Dec|13|01|363|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|52|53|2|52|12/28/04|13:00:00|04|2004|+0000|GMT|%|Tue Dec 28 13:00:00 2004|20|12/28/04|13:00:00|04|2004|28|28|13|01|12|00|00|2|52|53|2|52|04",
        ),
        (
            1104325200,
            "Wed|Wednesday|Dec|December|Wed Dec 29 13:00:00 2004|20|29|12/29/04|29|2004-12-29|04|2004|Dec|13|01|364|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|52|53|3|52|12/29/04|13:00:00|04|2004|+0000|GMT|%|Wed Dec 29 13:00:00 2004|20|12/29/04|13:00:00|04|2004|29|29|13|01|12|00|00|3|52|53|3|52|04",
        ),
        (
            1104411600,
            "Thu|Thursday|Dec|December|Thu Dec 30 13:00:00 2004|20|30|12/30/04|30|2004-12-30|04|2004|Dec|13|01|365|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|4|52|53|4|52|12/30/04|13:00:00|04|2004|+0000|GMT|%|Thu Dec 30 13:00:00 2004|20|12/30/04|13:00:00|04|2004|30|30|13|01|12|00|00|4|52|53|4|52|04",
        ),
        (
            1104498000,
            "Fri|Friday|Dec|December|Fri Dec 31 13:00:00 2004|20|31|12/31/04|31|2004-12-31|04|2004|Dec|13|01|366|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|5|52|53|5|52|12/31/04|13:00:00|04|2004|+0000|GMT|%|Fri Dec 31 13:00:00 2004|20|12/31/04|13:00:00|04|2004|31|31|13|01|12|00|00|5|52|53|5|52|04",
        ),
        (
            1104584400,
            "Sat|Saturday|Jan|January|Sat Jan  1 13:00:00 2005|20|01|01/01/05| 1|2005-01-01|04|2004|Jan|13|01|001|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|6|00|53|6|00|01/01/05|13:00:00|05|2005|+0000|GMT|%|Sat Jan  1 13:00:00 2005|20|01/01/05|13:00:00|05|2005|01| 1|13|01|01|00|00|6|00|53|6|00|05",
        ),
        (
            1104670800,
            "Sun|Sunday|Jan|January|Sun Jan  2 13:00:00 2005|20|02|01/02/05| 2|2005-01-02|04|2004|Jan|13|01|002|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|01|53|0|00|01/02/05|13:00:00|05|2005|+0000|GMT|%|Sun Jan  2 13:00:00 2005|20|01/02/05|13:00:00|05|2005|02| 2|13|01|01|00|00|7|01|53|0|00|05",
        ),
        (
            1104757200,
            "Mon|Monday|Jan|January|Mon Jan  3 13:00:00 2005|20|03|01/03/05| 3|2005-01-03|05|2005|Jan|13|01|003|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|01|01|1|01|01/03/05|13:00:00|05|2005|+0000|GMT|%|Mon Jan  3 13:00:00 2005|20|01/03/05|13:00:00|05|2005|03| 3|13|01|01|00|00|1|01|01|1|01|05",
        ),
        (
            1104843600,
            "Tue|Tuesday|Jan|January|Tue Jan  4 13:00:00 2005|20|04|01/04/05| 4|2005-01-04|05|2005|Jan|13|01|004|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|01|01|2|01|01/04/05|13:00:00|05|2005|+0000|GMT|%|Tue Jan  4 13:00:00 2005|20|01/04/05|13:00:00|05|2005|04| 4|13|01|01|00|00|2|01|01|2|01|05",
        ),
        (
            1104930000,
            "Wed|Wednesday|Jan|January|Wed Jan  5 13:00:00 2005|20|05|01/05/05| 5|2005-01-05|05|2005|Jan|13|01|005|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|01|01|3|01|01/05/05|13:00:00|05|2005|+0000|GMT|%|Wed Jan  5 13:00:00 2005|20|01/05/05|13:00:00|05|2005|05| 5|13|01|01|00|00|3|01|01|3|01|05",
        ),
        (
            1105016400,
            "Thu|Thursday|Jan|January|Thu Jan  6 13:00:00 2005|20|06|01/06/05| 6|2005-01-06|05|2005|Jan|13|01|006|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|4|01|01|4|01|01/06/05|13:00:00|05|2005|+0000|GMT|%|Thu Jan  6 13:00:00 2005|20|01/06/05|13:00:00|05|2005|06| 6|13|01|01|00|00|4|01|01|4|01|05",
        ),
        (
            1230296400,
            "Fri|Friday|Dec|December|Fri Dec 26 13:00:00 2008|20|26|12/26/08|26|2008-12-26|08|2008|Dec|13|01|361|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|5|51|52|5|51|12/26/08|13:00:00|08|2008|+0000|GMT|%|Fri Dec 26 13:00:00 2008|20|12/26/08|13:00:00|08|2008|26|26|13|01|12|00|00|5|51|52|5|51|08",
        ),
        (
            1230382800,
            "Sat|Saturday|Dec|December|Sat Dec 27 13:00:00 2008|20|27|12/27/08|27|2008-12-27|08|2008|Dec|13|01|362|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|6|51|52|6|51|12/27/08|13:00:00|08|2008|+0000|GMT|%|Sat Dec 27 13:00:00 2008|20|12/27/08|13:00:00|08|2008|27|27|13|01|12|00|00|6|51|52|6|51|08",
        ),
        (
            1230469200,
            "Sun|Sunday|Dec|December|Sun Dec 28 13:00:00 2008|20|28|12/28/08|28|2008-12-28|08|2008|Dec|13|01|363|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|52|52|0|51|12/28/08|13:00:00|08|2008|+0000|GMT|%|Sun Dec 28 13:00:00 2008|20|12/28/08|13:00:00|08|2008|28|28|13|01|12|00|00|7|52|52|0|51|08",
        ),
        (
            1230555600,
            "Mon|Monday|Dec|December|Mon Dec 29 13:00:00 2008|20|29|12/29/08|29|2008-12-29|09|2009|Dec|13|01|364|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|52|01|1|52|12/29/08|13:00:00|08|2008|+0000|GMT|%|Mon Dec 29 13:00:00 2008|20|12/29/08|13:00:00|08|2008|29|29|13|01|12|00|00|1|52|01|1|52|08",
        ),
        (
            1230642000,
            "Tue|Tuesday|Dec|December|Tue Dec 30 13:00:00 2008|20|30|12/30/08|30|2008-12-30|09|2009|Dec|13|01|365|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|52|01|2|52|12/30/08|13:00:00|08|2008|+0000|GMT|%|Tue Dec 30 13:00:00 2008|20|12/30/08|13:00:00|08|2008|30|30|13|01|12|00|00|2|52|01|2|52|08",
        ),
        (
            1230728400,
            "Wed|Wednesday|Dec|December|Wed Dec 31 13:00:00 2008|20|31|12/31/08|31|2008-12-31|09|2009|Dec|13|01|366|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|52|01|3|52|12/31/08|13:00:00|08|2008|+0000|GMT|%|Wed Dec 31 13:00:00 2008|20|12/31/08|13:00:00|08|2008|31|31|13|01|12|00|00|3|52|01|3|52|08",
        ),
        (
            1230814800,
            "Thu|Thursday|Jan|January|Thu Jan  1 13:00:00 2009|20|01|01/01/09| 1|2009-01-01|09|2009|Jan|13|01|001|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|4|00|01|4|00|01/01/09|13:00:00|09|2009|+0000|GMT|%|Thu Jan  1 13:00:00 2009|20|01/01/09|13:00:00|09|2009|01| 1|13|01|01|00|00|4|00|01|4|00|09",
        ),
        (
            1230901200,
            "Fri|Friday|Jan|January|Fri Jan  2 13:00:00 2009|20|02|01/02/09| 2|2009-01-02|09|2009|Jan|13|01|002|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|5|00|01|5|00|01/02/09|13:00:00|09|2009|+0000|GMT|%|Fri Jan  2 13:00:00 2009|20|01/02/09|13:00:00|09|2009|02| 2|13|01|01|00|00|5|00|01|5|00|09",
        ),
        (
            1230987600,
            "Sat|Saturday|Jan|January|Sat Jan  3 13:00:00 2009|20|03|01/03/09| 3|2009-01-03|09|2009|Jan|13|01|003|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|6|00|01|6|00|01/03/09|13:00:00|09|2009|+0000|GMT|%|Sat Jan  3 13:00:00 2009|20|01/03/09|13:00:00|09|2009|03| 3|13|01|01|00|00|6|00|01|6|00|09",
        ),
        (
            1231074000,
            "Sun|Sunday|Jan|January|Sun Jan  4 13:00:00 2009|20|04|01/04/09| 4|2009-01-04|09|2009|Jan|13|01|004|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|01|01|0|00|01/04/09|13:00:00|09|2009|+0000|GMT|%|Sun Jan  4 13:00:00 2009|20|01/04/09|13:00:00|09|2009|04| 4|13|01|01|00|00|7|01|01|0|00|09",
        ),
        (
            1231160400,
            "Mon|Monday|Jan|January|Mon Jan  5 13:00:00 2009|20|05|01/05/09| 5|2009-01-05|09|2009|Jan|13|01|005|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|01|02|1|01|01/05/09|13:00:00|09|2009|+0000|GMT|%|Mon Jan  5 13:00:00 2009|20|01/05/09|13:00:00|09|2009|05| 5|13|01|01|00|00|1|01|02|1|01|09",
        ),
        (
            1231246800,
            "Tue|Tuesday|Jan|January|Tue Jan  6 13:00:00 2009|20|06|01/06/09| 6|2009-01-06|09|2009|Jan|13|01|006|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|01|02|2|01|01/06/09|13:00:00|09|2009|+0000|GMT|%|Tue Jan  6 13:00:00 2009|20|01/06/09|13:00:00|09|2009|06| 6|13|01|01|00|00|2|01|02|2|01|09",
        ),
        (
            1261832400,
            "Sat|Saturday|Dec|December|Sat Dec 26 13:00:00 2009|20|26|12/26/09|26|2009-12-26|09|2009|Dec|13|01|360|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|6|51|52|6|51|12/26/09|13:00:00|09|2009|+0000|GMT|%|Sat Dec 26 13:00:00 2009|20|12/26/09|13:00:00|09|2009|26|26|13|01|12|00|00|6|51|52|6|51|09",
        ),
        (
            1261918800,
            "Sun|Sunday|Dec|December|Sun Dec 27 13:00:00 2009|20|27|12/27/09|27|2009-12-27|09|2009|Dec|13|01|361|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|52|52|0|51|12/27/09|13:00:00|09|2009|+0000|GMT|%|Sun Dec 27 13:00:00 2009|20|12/27/09|13:00:00|09|2009|27|27|13|01|12|00|00|7|52|52|0|51|09",
        ),
        (
            1262005200,
            "Mon|Monday|Dec|December|Mon Dec 28 13:00:00 2009|20|28|12/28/09|28|2009-12-28|09|2009|Dec|13|01|362|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|52|53|1|52|12/28/09|13:00:00|09|2009|+0000|GMT|%|Mon Dec 28 13:00:00 2009|20|12/28/09|13:00:00|09|2009|28|28|13|01|12|00|00|1|52|53|1|52|09",
        ),
        (
            1262091600,
            "Tue|Tuesday|Dec|December|Tue Dec 29 13:00:00 2009|20|29|12/29/09|29|2009-12-29|09|2009|Dec|13|01|363|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|52|53|2|52|12/29/09|13:00:00|09|2009|+0000|GMT|%|Tue Dec 29 13:00:00 2009|20|12/29/09|13:00:00|09|2009|29|29|13|01|12|00|00|2|52|53|2|52|09",
        ),
        (
            1262178000,
            "Wed|Wednesday|Dec|December|Wed Dec 30 13:00:00 2009|20|30|12/30/09|30|2009-12-30|09|2009|Dec|13|01|364|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|52|53|3|52|12/30/09|13:00:00|09|2009|+0000|GMT|%|Wed Dec 30 13:00:00 2009|20|12/30/09|13:00:00|09|2009|30|30|13|01|12|00|00|3|52|53|3|52|09",
        ),
        (
            1262264400,
            "Thu|Thursday|Dec|December|Thu Dec 31 13:00:00 2009|20|31|12/31/09|31|2009-12-31|09|2009|Dec|13|01|365|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|4|52|53|4|52|12/31/09|13:00:00|09|2009|+0000|GMT|%|Thu Dec 31 13:00:00 2009|20|12/31/09|13:00:00|09|2009|31|31|13|01|12|00|00|4|52|53|4|52|09",
        ),
        (
            1262350800,
            "Fri|Friday|Jan|January|Fri Jan  1 13:00:00 2010|20|01|01/01/10| 1|2010-01-01|09|2009|Jan|13|01|001|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|5|00|53|5|00|01/01/10|13:00:00|10|2010|+0000|GMT|%|Fri Jan  1 13:00:00 2010|20|01/01/10|13:00:00|10|2010|01| 1|13|01|01|00|00|5|00|53|5|00|10",
        ),
        (
            1262437200,
            "Sat|Saturday|Jan|January|Sat Jan  2 13:00:00 2010|20|02|01/02/10| 2|2010-01-02|09|2009|Jan|13|01|002|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|6|00|53|6|00|01/02/10|13:00:00|10|2010|+0000|GMT|%|Sat Jan  2 13:00:00 2010|20|01/02/10|13:00:00|10|2010|02| 2|13|01|01|00|00|6|00|53|6|00|10",
        ),
        (
            1262523600,
            "Sun|Sunday|Jan|January|Sun Jan  3 13:00:00 2010|20|03|01/03/10| 3|2010-01-03|09|2009|Jan|13|01|003|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|01|53|0|00|01/03/10|13:00:00|10|2010|+0000|GMT|%|Sun Jan  3 13:00:00 2010|20|01/03/10|13:00:00|10|2010|03| 3|13|01|01|00|00|7|01|53|0|00|10",
        ),
        (
            1262610000,
            "Mon|Monday|Jan|January|Mon Jan  4 13:00:00 2010|20|04|01/04/10| 4|2010-01-04|10|2010|Jan|13|01|004|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|01|01|1|01|01/04/10|13:00:00|10|2010|+0000|GMT|%|Mon Jan  4 13:00:00 2010|20|01/04/10|13:00:00|10|2010|04| 4|13|01|01|00|00|1|01|01|1|01|10",
        ),
        (
            1262696400,
            "Tue|Tuesday|Jan|January|Tue Jan  5 13:00:00 2010|20|05|01/05/10| 5|2010-01-05|10|2010|Jan|13|01|005|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|01|01|2|01|01/05/10|13:00:00|10|2010|+0000|GMT|%|Tue Jan  5 13:00:00 2010|20|01/05/10|13:00:00|10|2010|05| 5|13|01|01|00|00|2|01|01|2|01|10",
        ),
        (
            1262782800,
            "Wed|Wednesday|Jan|January|Wed Jan  6 13:00:00 2010|20|06|01/06/10| 6|2010-01-06|10|2010|Jan|13|01|006|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|01|01|3|01|01/06/10|13:00:00|10|2010|+0000|GMT|%|Wed Jan  6 13:00:00 2010|20|01/06/10|13:00:00|10|2010|06| 6|13|01|01|00|00|3|01|01|3|01|10",
        ),
        (
            1293368400,
            "Sun|Sunday|Dec|December|Sun Dec 26 13:00:00 2010|20|26|12/26/10|26|2010-12-26|10|2010|Dec|13|01|360|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|52|51|0|51|12/26/10|13:00:00|10|2010|+0000|GMT|%|Sun Dec 26 13:00:00 2010|20|12/26/10|13:00:00|10|2010|26|26|13|01|12|00|00|7|52|51|0|51|10",
        ),
        (
            1293454800,
            "Mon|Monday|Dec|December|Mon Dec 27 13:00:00 2010|20|27|12/27/10|27|2010-12-27|10|2010|Dec|13|01|361|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|52|52|1|52|12/27/10|13:00:00|10|2010|+0000|GMT|%|Mon Dec 27 13:00:00 2010|20|12/27/10|13:00:00|10|2010|27|27|13|01|12|00|00|1|52|52|1|52|10",
        ),
        (
            1293541200,
            "Tue|Tuesday|Dec|December|Tue Dec 28 13:00:00 2010|20|28|12/28/10|28|2010-12-28|10|2010|Dec|13|01|362|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|52|52|2|52|12/28/10|13:00:00|10|2010|+0000|GMT|%|Tue Dec 28 13:00:00 2010|20|12/28/10|13:00:00|10|2010|28|28|13|01|12|00|00|2|52|52|2|52|10",
        ),
        (
            1293627600,
            "Wed|Wednesday|Dec|December|Wed Dec 29 13:00:00 2010|20|29|12/29/10|29|2010-12-29|10|2010|Dec|13|01|363|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|52|52|3|52|12/29/10|13:00:00|10|2010|+0000|GMT|%|Wed Dec 29 13:00:00 2010|20|12/29/10|13:00:00|10|2010|29|29|13|01|12|00|00|3|52|52|3|52|10",
        ),
        (
            1293714000,
            "Thu|Thursday|Dec|December|Thu Dec 30 13:00:00 2010|20|30|12/30/10|30|2010-12-30|10|2010|Dec|13|01|364|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|4|52|52|4|52|12/30/10|13:00:00|10|2010|+0000|GMT|%|Thu Dec 30 13:00:00 2010|20|12/30/10|13:00:00|10|2010|30|30|13|01|12|00|00|4|52|52|4|52|10",
        ),
        (
            1293800400,
            "Fri|Friday|Dec|December|Fri Dec 31 13:00:00 2010|20|31|12/31/10|31|2010-12-31|10|2010|Dec|13|01|365|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|5|52|52|5|52|12/31/10|13:00:00|10|2010|+0000|GMT|%|Fri Dec 31 13:00:00 2010|20|12/31/10|13:00:00|10|2010|31|31|13|01|12|00|00|5|52|52|5|52|10",
        ),
        (
            1293886800,
            "Sat|Saturday|Jan|January|Sat Jan  1 13:00:00 2011|20|01|01/01/11| 1|2011-01-01|10|2010|Jan|13|01|001|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|6|00|52|6|00|01/01/11|13:00:00|11|2011|+0000|GMT|%|Sat Jan  1 13:00:00 2011|20|01/01/11|13:00:00|11|2011|01| 1|13|01|01|00|00|6|00|52|6|00|11",
        ),
        (
            1293973200,
            "Sun|Sunday|Jan|January|Sun Jan  2 13:00:00 2011|20|02|01/02/11| 2|2011-01-02|10|2010|Jan|13|01|002|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|01|52|0|00|01/02/11|13:00:00|11|2011|+0000|GMT|%|Sun Jan  2 13:00:00 2011|20|01/02/11|13:00:00|11|2011|02| 2|13|01|01|00|00|7|01|52|0|00|11",
        ),
        (
            1294059600,
            "Mon|Monday|Jan|January|Mon Jan  3 13:00:00 2011|20|03|01/03/11| 3|2011-01-03|11|2011|Jan|13|01|003|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|01|01|1|01|01/03/11|13:00:00|11|2011|+0000|GMT|%|Mon Jan  3 13:00:00 2011|20|01/03/11|13:00:00|11|2011|03| 3|13|01|01|00|00|1|01|01|1|01|11",
        ),
        (
            1294146000,
            "Tue|Tuesday|Jan|January|Tue Jan  4 13:00:00 2011|20|04|01/04/11| 4|2011-01-04|11|2011|Jan|13|01|004|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|01|01|2|01|01/04/11|13:00:00|11|2011|+0000|GMT|%|Tue Jan  4 13:00:00 2011|20|01/04/11|13:00:00|11|2011|04| 4|13|01|01|00|00|2|01|01|2|01|11",
        ),
        (
            1294232400,
            "Wed|Wednesday|Jan|January|Wed Jan  5 13:00:00 2011|20|05|01/05/11| 5|2011-01-05|11|2011|Jan|13|01|005|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|01|01|3|01|01/05/11|13:00:00|11|2011|+0000|GMT|%|Wed Jan  5 13:00:00 2011|20|01/05/11|13:00:00|11|2011|05| 5|13|01|01|00|00|3|01|01|3|01|11",
        ),
        (
            1294318800,
            "Thu|Thursday|Jan|January|Thu Jan  6 13:00:00 2011|20|06|01/06/11| 6|2011-01-06|11|2011|Jan|13|01|006|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|4|01|01|4|01|01/06/11|13:00:00|11|2011|+0000|GMT|%|Thu Jan  6 13:00:00 2011|20|01/06/11|13:00:00|11|2011|06| 6|13|01|01|00|00|4|01|01|4|01|11",
        ),
        (
            1451134800,
            "Sat|Saturday|Dec|December|Sat Dec 26 13:00:00 2015|20|26|12/26/15|26|2015-12-26|15|2015|Dec|13|01|360|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|6|51|52|6|51|12/26/15|13:00:00|15|2015|+0000|GMT|%|Sat Dec 26 13:00:00 2015|20|12/26/15|13:00:00|15|2015|26|26|13|01|12|00|00|6|51|52|6|51|15",
        ),
        (
            1451221200,
            "Sun|Sunday|Dec|December|Sun Dec 27 13:00:00 2015|20|27|12/27/15|27|2015-12-27|15|2015|Dec|13|01|361|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|52|52|0|51|12/27/15|13:00:00|15|2015|+0000|GMT|%|Sun Dec 27 13:00:00 2015|20|12/27/15|13:00:00|15|2015|27|27|13|01|12|00|00|7|52|52|0|51|15",
        ),
        (
            1451307600,
            "Mon|Monday|Dec|December|Mon Dec 28 13:00:00 2015|20|28|12/28/15|28|2015-12-28|15|2015|Dec|13|01|362|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|52|53|1|52|12/28/15|13:00:00|15|2015|+0000|GMT|%|Mon Dec 28 13:00:00 2015|20|12/28/15|13:00:00|15|2015|28|28|13|01|12|00|00|1|52|53|1|52|15",
        ),
        (
            1451394000,
            "Tue|Tuesday|Dec|December|Tue Dec 29 13:00:00 2015|20|29|12/29/15|29|2015-12-29|15|2015|Dec|13|01|363|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|52|53|2|52|12/29/15|13:00:00|15|2015|+0000|GMT|%|Tue Dec 29 13:00:00 2015|20|12/29/15|13:00:00|15|2015|29|29|13|01|12|00|00|2|52|53|2|52|15",
        ),
        (
            1451480400,
            "Wed|Wednesday|Dec|December|Wed Dec 30 13:00:00 2015|20|30|12/30/15|30|2015-12-30|15|2015|Dec|13|01|364|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|52|53|3|52|12/30/15|13:00:00|15|2015|+0000|GMT|%|Wed Dec 30 13:00:00 2015|20|12/30/15|13:00:00|15|2015|30|30|13|01|12|00|00|3|52|53|3|52|15",
        ),
        (
            1451566800,
            "Thu|Thursday|Dec|December|Thu Dec 31 13:00:00 2015|20|31|12/31/15|31|2015-12-31|15|2015|Dec|13|01|365|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|4|52|53|4|52|12/31/15|13:00:00|15|2015|+0000|GMT|%|Thu Dec 31 13:00:00 2015|20|12/31/15|13:00:00|15|2015|31|31|13|01|12|00|00|4|52|53|4|52|15",
        ),
        (
            1451653200,
            "Fri|Friday|Jan|January|Fri Jan  1 13:00:00 2016|20|01|01/01/16| 1|2016-01-01|15|2015|Jan|13|01|001|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|5|00|53|5|00|01/01/16|13:00:00|16|2016|+0000|GMT|%|Fri Jan  1 13:00:00 2016|20|01/01/16|13:00:00|16|2016|01| 1|13|01|01|00|00|5|00|53|5|00|16",
        ),
        (
            1451739600,
            "Sat|Saturday|Jan|January|Sat Jan  2 13:00:00 2016|20|02|01/02/16| 2|2016-01-02|15|2015|Jan|13|01|002|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|6|00|53|6|00|01/02/16|13:00:00|16|2016|+0000|GMT|%|Sat Jan  2 13:00:00 2016|20|01/02/16|13:00:00|16|2016|02| 2|13|01|01|00|00|6|00|53|6|00|16",
        ),
        (
            1451826000,
            "Sun|Sunday|Jan|January|Sun Jan  3 13:00:00 2016|20|03|01/03/16| 3|2016-01-03|15|2015|Jan|13|01|003|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|01|53|0|00|01/03/16|13:00:00|16|2016|+0000|GMT|%|Sun Jan  3 13:00:00 2016|20|01/03/16|13:00:00|16|2016|03| 3|13|01|01|00|00|7|01|53|0|00|16",
        ),
        (
            1451912400,
            "Mon|Monday|Jan|January|Mon Jan  4 13:00:00 2016|20|04|01/04/16| 4|2016-01-04|16|2016|Jan|13|01|004|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|01|01|1|01|01/04/16|13:00:00|16|2016|+0000|GMT|%|Mon Jan  4 13:00:00 2016|20|01/04/16|13:00:00|16|2016|04| 4|13|01|01|00|00|1|01|01|1|01|16",
        ),
        (
            1451998800,
            "Tue|Tuesday|Jan|January|Tue Jan  5 13:00:00 2016|20|05|01/05/16| 5|2016-01-05|16|2016|Jan|13|01|005|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|01|01|2|01|01/05/16|13:00:00|16|2016|+0000|GMT|%|Tue Jan  5 13:00:00 2016|20|01/05/16|13:00:00|16|2016|05| 5|13|01|01|00|00|2|01|01|2|01|16",
        ),
        (
            1452085200,
            "Wed|Wednesday|Jan|January|Wed Jan  6 13:00:00 2016|20|06|01/06/16| 6|2016-01-06|16|2016|Jan|13|01|006|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|01|01|3|01|01/06/16|13:00:00|16|2016|+0000|GMT|%|Wed Jan  6 13:00:00 2016|20|01/06/16|13:00:00|16|2016|06| 6|13|01|01|00|00|3|01|01|3|01|16",
        ),
        (
            1608987600,
            "Sat|Saturday|Dec|December|Sat Dec 26 13:00:00 2020|20|26|12/26/20|26|2020-12-26|20|2020|Dec|13|01|361|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|6|51|52|6|51|12/26/20|13:00:00|20|2020|+0000|GMT|%|Sat Dec 26 13:00:00 2020|20|12/26/20|13:00:00|20|2020|26|26|13|01|12|00|00|6|51|52|6|51|20",
        ),
        (
            1609074000,
            "Sun|Sunday|Dec|December|Sun Dec 27 13:00:00 2020|20|27|12/27/20|27|2020-12-27|20|2020|Dec|13|01|362|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|52|52|0|51|12/27/20|13:00:00|20|2020|+0000|GMT|%|Sun Dec 27 13:00:00 2020|20|12/27/20|13:00:00|20|2020|27|27|13|01|12|00|00|7|52|52|0|51|20",
        ),
        (
            1609160400,
            "Mon|Monday|Dec|December|Mon Dec 28 13:00:00 2020|20|28|12/28/20|28|2020-12-28|20|2020|Dec|13|01|363|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|52|53|1|52|12/28/20|13:00:00|20|2020|+0000|GMT|%|Mon Dec 28 13:00:00 2020|20|12/28/20|13:00:00|20|2020|28|28|13|01|12|00|00|1|52|53|1|52|20",
        ),
        (
            1609246800,
            "Tue|Tuesday|Dec|December|Tue Dec 29 13:00:00 2020|20|29|12/29/20|29|2020-12-29|20|2020|Dec|13|01|364|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|52|53|2|52|12/29/20|13:00:00|20|2020|+0000|GMT|%|Tue Dec 29 13:00:00 2020|20|12/29/20|13:00:00|20|2020|29|29|13|01|12|00|00|2|52|53|2|52|20",
        ),
        (
            1609333200,
            "Wed|Wednesday|Dec|December|Wed Dec 30 13:00:00 2020|20|30|12/30/20|30|2020-12-30|20|2020|Dec|13|01|365|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|52|53|3|52|12/30/20|13:00:00|20|2020|+0000|GMT|%|Wed Dec 30 13:00:00 2020|20|12/30/20|13:00:00|20|2020|30|30|13|01|12|00|00|3|52|53|3|52|20",
        ),
        (
            1609419600,
            "Thu|Thursday|Dec|December|Thu Dec 31 13:00:00 2020|20|31|12/31/20|31|2020-12-31|20|2020|Dec|13|01|366|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|4|52|53|4|52|12/31/20|13:00:00|20|2020|+0000|GMT|%|Thu Dec 31 13:00:00 2020|20|12/31/20|13:00:00|20|2020|31|31|13|01|12|00|00|4|52|53|4|52|20",
        ),
        (
            1609506000,
            "Fri|Friday|Jan|January|Fri Jan  1 13:00:00 2021|20|01|01/01/21| 1|2021-01-01|20|2020|Jan|13|01|001|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|5|00|53|5|00|01/01/21|13:00:00|21|2021|+0000|GMT|%|Fri Jan  1 13:00:00 2021|20|01/01/21|13:00:00|21|2021|01| 1|13|01|01|00|00|5|00|53|5|00|21",
        ),
        (
            1609592400,
            "Sat|Saturday|Jan|January|Sat Jan  2 13:00:00 2021|20|02|01/02/21| 2|2021-01-02|20|2020|Jan|13|01|002|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|6|00|53|6|00|01/02/21|13:00:00|21|2021|+0000|GMT|%|Sat Jan  2 13:00:00 2021|20|01/02/21|13:00:00|21|2021|02| 2|13|01|01|00|00|6|00|53|6|00|21",
        ),
        (
            1609678800,
            "Sun|Sunday|Jan|January|Sun Jan  3 13:00:00 2021|20|03|01/03/21| 3|2021-01-03|20|2020|Jan|13|01|003|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|01|53|0|00|01/03/21|13:00:00|21|2021|+0000|GMT|%|Sun Jan  3 13:00:00 2021|20|01/03/21|13:00:00|21|2021|03| 3|13|01|01|00|00|7|01|53|0|00|21",
        ),
        (
            1609765200,
            "Mon|Monday|Jan|January|Mon Jan  4 13:00:00 2021|20|04|01/04/21| 4|2021-01-04|21|2021|Jan|13|01|004|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|01|01|1|01|01/04/21|13:00:00|21|2021|+0000|GMT|%|Mon Jan  4 13:00:00 2021|20|01/04/21|13:00:00|21|2021|04| 4|13|01|01|00|00|1|01|01|1|01|21",
        ),
        (
            1609851600,
            "Tue|Tuesday|Jan|January|Tue Jan  5 13:00:00 2021|20|05|01/05/21| 5|2021-01-05|21|2021|Jan|13|01|005|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|01|01|2|01|01/05/21|13:00:00|21|2021|+0000|GMT|%|Tue Jan  5 13:00:00 2021|20|01/05/21|13:00:00|21|2021|05| 5|13|01|01|00|00|2|01|01|2|01|21",
        ),
        (
            1609938000,
            "Wed|Wednesday|Jan|January|Wed Jan  6 13:00:00 2021|20|06|01/06/21| 6|2021-01-06|21|2021|Jan|13|01|006|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|01|01|3|01|01/06/21|13:00:00|21|2021|+0000|GMT|%|Wed Jan  6 13:00:00 2021|20|01/06/21|13:00:00|21|2021|06| 6|13|01|01|00|00|3|01|01|3|01|21",
        ),
        (
            1640523600,
            "Sun|Sunday|Dec|December|Sun Dec 26 13:00:00 2021|20|26|12/26/21|26|2021-12-26|21|2021|Dec|13|01|360|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|52|51|0|51|12/26/21|13:00:00|21|2021|+0000|GMT|%|Sun Dec 26 13:00:00 2021|20|12/26/21|13:00:00|21|2021|26|26|13|01|12|00|00|7|52|51|0|51|21",
        ),
        (
            1640610000,
            "Mon|Monday|Dec|December|Mon Dec 27 13:00:00 2021|20|27|12/27/21|27|2021-12-27|21|2021|Dec|13|01|361|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|52|52|1|52|12/27/21|13:00:00|21|2021|+0000|GMT|%|Mon Dec 27 13:00:00 2021|20|12/27/21|13:00:00|21|2021|27|27|13|01|12|00|00|1|52|52|1|52|21",
        ),
        (
            1640696400,
            "Tue|Tuesday|Dec|December|Tue Dec 28 13:00:00 2021|20|28|12/28/21|28|2021-12-28|21|2021|Dec|13|01|362|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|52|52|2|52|12/28/21|13:00:00|21|2021|+0000|GMT|%|Tue Dec 28 13:00:00 2021|20|12/28/21|13:00:00|21|2021|28|28|13|01|12|00|00|2|52|52|2|52|21",
        ),
        (
            1640782800,
            "Wed|Wednesday|Dec|December|Wed Dec 29 13:00:00 2021|20|29|12/29/21|29|2021-12-29|21|2021|Dec|13|01|363|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|52|52|3|52|12/29/21|13:00:00|21|2021|+0000|GMT|%|Wed Dec 29 13:00:00 2021|20|12/29/21|13:00:00|21|2021|29|29|13|01|12|00|00|3|52|52|3|52|21",
        ),
        (
            1640869200,
            "Thu|Thursday|Dec|December|Thu Dec 30 13:00:00 2021|20|30|12/30/21|30|2021-12-30|21|2021|Dec|13|01|364|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|4|52|52|4|52|12/30/21|13:00:00|21|2021|+0000|GMT|%|Thu Dec 30 13:00:00 2021|20|12/30/21|13:00:00|21|2021|30|30|13|01|12|00|00|4|52|52|4|52|21",
        ),
        (
            1640955600,
            "Fri|Friday|Dec|December|Fri Dec 31 13:00:00 2021|20|31|12/31/21|31|2021-12-31|21|2021|Dec|13|01|365|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|5|52|52|5|52|12/31/21|13:00:00|21|2021|+0000|GMT|%|Fri Dec 31 13:00:00 2021|20|12/31/21|13:00:00|21|2021|31|31|13|01|12|00|00|5|52|52|5|52|21",
        ),
        (
            1641042000,
            "Sat|Saturday|Jan|January|Sat Jan  1 13:00:00 2022|20|01|01/01/22| 1|2022-01-01|21|2021|Jan|13|01|001|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|6|00|52|6|00|01/01/22|13:00:00|22|2022|+0000|GMT|%|Sat Jan  1 13:00:00 2022|20|01/01/22|13:00:00|22|2022|01| 1|13|01|01|00|00|6|00|52|6|00|22",
        ),
        (
            1641128400,
            "Sun|Sunday|Jan|January|Sun Jan  2 13:00:00 2022|20|02|01/02/22| 2|2022-01-02|21|2021|Jan|13|01|002|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|01|52|0|00|01/02/22|13:00:00|22|2022|+0000|GMT|%|Sun Jan  2 13:00:00 2022|20|01/02/22|13:00:00|22|2022|02| 2|13|01|01|00|00|7|01|52|0|00|22",
        ),
        (
            1641214800,
            "Mon|Monday|Jan|January|Mon Jan  3 13:00:00 2022|20|03|01/03/22| 3|2022-01-03|22|2022|Jan|13|01|003|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|01|01|1|01|01/03/22|13:00:00|22|2022|+0000|GMT|%|Mon Jan  3 13:00:00 2022|20|01/03/22|13:00:00|22|2022|03| 3|13|01|01|00|00|1|01|01|1|01|22",
        ),
        (
            1641301200,
            "Tue|Tuesday|Jan|January|Tue Jan  4 13:00:00 2022|20|04|01/04/22| 4|2022-01-04|22|2022|Jan|13|01|004|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|01|01|2|01|01/04/22|13:00:00|22|2022|+0000|GMT|%|Tue Jan  4 13:00:00 2022|20|01/04/22|13:00:00|22|2022|04| 4|13|01|01|00|00|2|01|01|2|01|22",
        ),
        (
            1641387600,
            "Wed|Wednesday|Jan|January|Wed Jan  5 13:00:00 2022|20|05|01/05/22| 5|2022-01-05|22|2022|Jan|13|01|005|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|01|01|3|01|01/05/22|13:00:00|22|2022|+0000|GMT|%|Wed Jan  5 13:00:00 2022|20|01/05/22|13:00:00|22|2022|05| 5|13|01|01|00|00|3|01|01|3|01|22",
        ),
        (
            1641474000,
            "Thu|Thursday|Jan|January|Thu Jan  6 13:00:00 2022|20|06|01/06/22| 6|2022-01-06|22|2022|Jan|13|01|006|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|4|01|01|4|01|01/06/22|13:00:00|22|2022|+0000|GMT|%|Thu Jan  6 13:00:00 2022|20|01/06/22|13:00:00|22|2022|06| 6|13|01|01|00|00|4|01|01|4|01|22",
        ),
        (
            1798290000,
            "Sat|Saturday|Dec|December|Sat Dec 26 13:00:00 2026|20|26|12/26/26|26|2026-12-26|26|2026|Dec|13|01|360|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|6|51|52|6|51|12/26/26|13:00:00|26|2026|+0000|GMT|%|Sat Dec 26 13:00:00 2026|20|12/26/26|13:00:00|26|2026|26|26|13|01|12|00|00|6|51|52|6|51|26",
        ),
        (
            1798376400,
            "Sun|Sunday|Dec|December|Sun Dec 27 13:00:00 2026|20|27|12/27/26|27|2026-12-27|26|2026|Dec|13|01|361|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|52|52|0|51|12/27/26|13:00:00|26|2026|+0000|GMT|%|Sun Dec 27 13:00:00 2026|20|12/27/26|13:00:00|26|2026|27|27|13|01|12|00|00|7|52|52|0|51|26",
        ),
        (
            1798462800,
            "Mon|Monday|Dec|December|Mon Dec 28 13:00:00 2026|20|28|12/28/26|28|2026-12-28|26|2026|Dec|13|01|362|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|52|53|1|52|12/28/26|13:00:00|26|2026|+0000|GMT|%|Mon Dec 28 13:00:00 2026|20|12/28/26|13:00:00|26|2026|28|28|13|01|12|00|00|1|52|53|1|52|26",
        ),
        (
            1798549200,
            "Tue|Tuesday|Dec|December|Tue Dec 29 13:00:00 2026|20|29|12/29/26|29|2026-12-29|26|2026|Dec|13|01|363|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|52|53|2|52|12/29/26|13:00:00|26|2026|+0000|GMT|%|Tue Dec 29 13:00:00 2026|20|12/29/26|13:00:00|26|2026|29|29|13|01|12|00|00|2|52|53|2|52|26",
        ),
        (
            1798635600,
            "Wed|Wednesday|Dec|December|Wed Dec 30 13:00:00 2026|20|30|12/30/26|30|2026-12-30|26|2026|Dec|13|01|364|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|52|53|3|52|12/30/26|13:00:00|26|2026|+0000|GMT|%|Wed Dec 30 13:00:00 2026|20|12/30/26|13:00:00|26|2026|30|30|13|01|12|00|00|3|52|53|3|52|26",
        ),
        (
            1798722000,
            "Thu|Thursday|Dec|December|Thu Dec 31 13:00:00 2026|20|31|12/31/26|31|2026-12-31|26|2026|Dec|13|01|365|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|4|52|53|4|52|12/31/26|13:00:00|26|2026|+0000|GMT|%|Thu Dec 31 13:00:00 2026|20|12/31/26|13:00:00|26|2026|31|31|13|01|12|00|00|4|52|53|4|52|26",
        ),
        (
            1798808400,
            "Fri|Friday|Jan|January|Fri Jan  1 13:00:00 2027|20|01|01/01/27| 1|2027-01-01|26|2026|Jan|13|01|001|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|5|00|53|5|00|01/01/27|13:00:00|27|2027|+0000|GMT|%|Fri Jan  1 13:00:00 2027|20|01/01/27|13:00:00|27|2027|01| 1|13|01|01|00|00|5|00|53|5|00|27",
        ),
        (
            1798894800,
            "Sat|Saturday|Jan|January|Sat Jan  2 13:00:00 2027|20|02|01/02/27| 2|2027-01-02|26|2026|Jan|13|01|002|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|6|00|53|6|00|01/02/27|13:00:00|27|2027|+0000|GMT|%|Sat Jan  2 13:00:00 2027|20|01/02/27|13:00:00|27|2027|02| 2|13|01|01|00|00|6|00|53|6|00|27",
        ),
        (
            1798981200,
            "Sun|Sunday|Jan|January|Sun Jan  3 13:00:00 2027|20|03|01/03/27| 3|2027-01-03|26|2026|Jan|13|01|003|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|01|53|0|00|01/03/27|13:00:00|27|2027|+0000|GMT|%|Sun Jan  3 13:00:00 2027|20|01/03/27|13:00:00|27|2027|03| 3|13|01|01|00|00|7|01|53|0|00|27",
        ),
        (
            1799067600,
            "Mon|Monday|Jan|January|Mon Jan  4 13:00:00 2027|20|04|01/04/27| 4|2027-01-04|27|2027|Jan|13|01|004|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|01|01|1|01|01/04/27|13:00:00|27|2027|+0000|GMT|%|Mon Jan  4 13:00:00 2027|20|01/04/27|13:00:00|27|2027|04| 4|13|01|01|00|00|1|01|01|1|01|27",
        ),
        (
            1799154000,
            "Tue|Tuesday|Jan|January|Tue Jan  5 13:00:00 2027|20|05|01/05/27| 5|2027-01-05|27|2027|Jan|13|01|005|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|01|01|2|01|01/05/27|13:00:00|27|2027|+0000|GMT|%|Tue Jan  5 13:00:00 2027|20|01/05/27|13:00:00|27|2027|05| 5|13|01|01|00|00|2|01|01|2|01|27",
        ),
        (
            1799240400,
            "Wed|Wednesday|Jan|January|Wed Jan  6 13:00:00 2027|20|06|01/06/27| 6|2027-01-06|27|2027|Jan|13|01|006|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|01|01|3|01|01/06/27|13:00:00|27|2027|+0000|GMT|%|Wed Jan  6 13:00:00 2027|20|01/06/27|13:00:00|27|2027|06| 6|13|01|01|00|00|3|01|01|3|01|27",
        ),
        (
            1829826000,
            "Sun|Sunday|Dec|December|Sun Dec 26 13:00:00 2027|20|26|12/26/27|26|2027-12-26|27|2027|Dec|13|01|360|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|52|51|0|51|12/26/27|13:00:00|27|2027|+0000|GMT|%|Sun Dec 26 13:00:00 2027|20|12/26/27|13:00:00|27|2027|26|26|13|01|12|00|00|7|52|51|0|51|27",
        ),
        (
            1829912400,
            "Mon|Monday|Dec|December|Mon Dec 27 13:00:00 2027|20|27|12/27/27|27|2027-12-27|27|2027|Dec|13|01|361|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|52|52|1|52|12/27/27|13:00:00|27|2027|+0000|GMT|%|Mon Dec 27 13:00:00 2027|20|12/27/27|13:00:00|27|2027|27|27|13|01|12|00|00|1|52|52|1|52|27",
        ),
        (
            1829998800,
            "Tue|Tuesday|Dec|December|Tue Dec 28 13:00:00 2027|20|28|12/28/27|28|2027-12-28|27|2027|Dec|13|01|362|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|52|52|2|52|12/28/27|13:00:00|27|2027|+0000|GMT|%|Tue Dec 28 13:00:00 2027|20|12/28/27|13:00:00|27|2027|28|28|13|01|12|00|00|2|52|52|2|52|27",
        ),
        (
            1830085200,
            "Wed|Wednesday|Dec|December|Wed Dec 29 13:00:00 2027|20|29|12/29/27|29|2027-12-29|27|2027|Dec|13|01|363|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|52|52|3|52|12/29/27|13:00:00|27|2027|+0000|GMT|%|Wed Dec 29 13:00:00 2027|20|12/29/27|13:00:00|27|2027|29|29|13|01|12|00|00|3|52|52|3|52|27",
        ),
        (
            1830171600,
            "Thu|Thursday|Dec|December|Thu Dec 30 13:00:00 2027|20|30|12/30/27|30|2027-12-30|27|2027|Dec|13|01|364|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|4|52|52|4|52|12/30/27|13:00:00|27|2027|+0000|GMT|%|Thu Dec 30 13:00:00 2027|20|12/30/27|13:00:00|27|2027|30|30|13|01|12|00|00|4|52|52|4|52|27",
        ),
        (
            1830258000,
            "Fri|Friday|Dec|December|Fri Dec 31 13:00:00 2027|20|31|12/31/27|31|2027-12-31|27|2027|Dec|13|01|365|12|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|5|52|52|5|52|12/31/27|13:00:00|27|2027|+0000|GMT|%|Fri Dec 31 13:00:00 2027|20|12/31/27|13:00:00|27|2027|31|31|13|01|12|00|00|5|52|52|5|52|27",
        ),
        (
            1830344400,
            "Sat|Saturday|Jan|January|Sat Jan  1 13:00:00 2028|20|01|01/01/28| 1|2028-01-01|27|2027|Jan|13|01|001|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|6|00|52|6|00|01/01/28|13:00:00|28|2028|+0000|GMT|%|Sat Jan  1 13:00:00 2028|20|01/01/28|13:00:00|28|2028|01| 1|13|01|01|00|00|6|00|52|6|00|28",
        ),
        (
            1830430800,
            "Sun|Sunday|Jan|January|Sun Jan  2 13:00:00 2028|20|02|01/02/28| 2|2028-01-02|27|2027|Jan|13|01|002|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|7|01|52|0|00|01/02/28|13:00:00|28|2028|+0000|GMT|%|Sun Jan  2 13:00:00 2028|20|01/02/28|13:00:00|28|2028|02| 2|13|01|01|00|00|7|01|52|0|00|28",
        ),
        (
            1830517200,
            "Mon|Monday|Jan|January|Mon Jan  3 13:00:00 2028|20|03|01/03/28| 3|2028-01-03|28|2028|Jan|13|01|003|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|1|01|01|1|01|01/03/28|13:00:00|28|2028|+0000|GMT|%|Mon Jan  3 13:00:00 2028|20|01/03/28|13:00:00|28|2028|03| 3|13|01|01|00|00|1|01|01|1|01|28",
        ),
        (
            1830603600,
            "Tue|Tuesday|Jan|January|Tue Jan  4 13:00:00 2028|20|04|01/04/28| 4|2028-01-04|28|2028|Jan|13|01|004|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|2|01|01|2|01|01/04/28|13:00:00|28|2028|+0000|GMT|%|Tue Jan  4 13:00:00 2028|20|01/04/28|13:00:00|28|2028|04| 4|13|01|01|00|00|2|01|01|2|01|28",
        ),
        (
            1830690000,
            "Wed|Wednesday|Jan|January|Wed Jan  5 13:00:00 2028|20|05|01/05/28| 5|2028-01-05|28|2028|Jan|13|01|005|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|3|01|01|3|01|01/05/28|13:00:00|28|2028|+0000|GMT|%|Wed Jan  5 13:00:00 2028|20|01/05/28|13:00:00|28|2028|05| 5|13|01|01|00|00|3|01|01|3|01|28",
        ),
        (
            1830776400,
            "Thu|Thursday|Jan|January|Thu Jan  6 13:00:00 2028|20|06|01/06/28| 6|2028-01-06|28|2028|Jan|13|01|006|01|00|\n|PM|01:00:00 PM|13:00|00|\t|13:00:00|4|01|01|4|01|01/06/28|13:00:00|28|2028|+0000|GMT|%|Thu Jan  6 13:00:00 2028|20|01/06/28|13:00:00|28|2028|06| 6|13|01|01|00|00|4|01|01|4|01|28",
        ),
    ];

    #[test]
    fn strftime_all_conversions() {
        for &(t, want) in DATE_CASES {
            let tm = gmtime(t).unwrap_or_else(|| panic!("gmtime({t}) failed"));
            let mut got = Vec::new();
            strftime(&mut got, FORMAT_ALL.as_bytes(), &tm).unwrap();
            let got = String::from_utf8(got).unwrap();
            for (i, (g, w)) in got.split('|').zip(want.split('|')).enumerate() {
                assert_eq!(g, w, "{t}: field {i}");
            }
            assert_eq!(got, want, "{t}");
        }
    }

    #[test]
    fn gmtime_range() {
        // The reference fails past the years a C int holds.
        assert!(gmtime(67768036191676800).is_none());
        assert!(gmtime(1 << 60).is_none());
        assert!(gmtime(-67768040609740800).is_some());
        assert!(gmtime(-67768040609740801).is_none());
    }

    #[test]
    fn strftime_errors() {
        let tm = gmtime(0).unwrap();
        for (format, want) in [
            (&b"%Ez abc"[..], "invalid conversion specifier '%Ez abc'"),
            (b"%", "invalid conversion specifier '%'"),
            (b"x%E", "invalid conversion specifier '%E'"),
            (b"%Oz", "invalid conversion specifier '%Oz'"),
            (b"%q\x00z", "invalid conversion specifier '%q'"),
            (b"%5d", "invalid conversion specifier '%5d'"),
        ] {
            let err = strftime(&mut Vec::new(), format, &tm).unwrap_err();
            assert_eq!(String::from_utf8_lossy(&err), want, "{format:?}");
        }
        let mut got = Vec::new();
        strftime(&mut got, b"x\x00y%Y", &tm).unwrap();
        assert_eq!(got, b"x\x00y1970");
    }

    fn tm(year: i64, mon: i64, mday: i64, hour: i64, min: i64, sec: i64, isdst: i32) -> Tm {
        Tm {
            year: year - 1900,
            mon: mon - 1,
            mday,
            hour,
            min,
            sec,
            isdst,
            ..Tm::default()
        }
    }

    /// Printed by lua5.4 with TZ=UTC: the date table given to os.time,
    /// its result and the normalised fields (year month day hour min sec
    /// yday wday isdst).
    const MKTIME_CASES: &[([i64; 7], i64, &str)] = &[
        (
            [2000, 1, 1, 0, 0, 0, -1],
            946684800,
            "2000 1 1 0 0 0 1 7 false",
        ),
        (
            [2000, 13, 1, 0, -1, 3600, -1],
            978310740,
            "2001 1 1 0 59 0 1 2 false",
        ),
        (
            [2000, 14, -3, 25, 61, -1, -1],
            980733659,
            "2001 1 29 2 0 59 29 2 false",
        ),
        (
            [2000, 14, -3, 25, 61, -1, 1],
            980730059,
            "2001 1 29 1 0 59 29 2 false",
        ),
        (
            [2000, 1, 1, 12, 0, 0, 0],
            946728000,
            "2000 1 1 12 0 0 1 7 false",
        ),
        (
            [2001, 2, 29, 12, 0, 0, -1],
            983448000,
            "2001 3 1 12 0 0 60 5 false",
        ),
        (
            [2000, 2, 30, 12, 0, 0, -1],
            951912000,
            "2000 3 1 12 0 0 61 4 false",
        ),
        (
            [1900, 3, 1, 0, 0, 0, -1],
            -2203891200,
            "1900 3 1 0 0 0 60 5 false",
        ),
        (
            [1, 1, 1, 0, 0, 0, -1],
            -62135596800,
            "1 1 1 0 0 0 1 2 false",
        ),
        (
            [0, -5, 400, -30, 0, 0, -1],
            -62148751200,
            "0 8 1 18 0 0 214 3 false",
        ),
        (
            [-1000, 100, -1000, 100, -10000, 1000000, -1],
            -93549617600,
            "-995 7 13 19 6 40 194 7 false",
        ),
        (
            [2147485547, 1, 1, 12, 0, 0, -1],
            67768036160184000,
            "2147485547 1 1 12 0 0 1 4 false",
        ),
        (
            [-2147481748, 1, 1, 12, 0, 0, -1],
            -67768040609697600,
            "-2147481748 1 1 12 0 0 1 5 false",
        ),
        (
            [2000, 2147483648, 1, 12, 0, 0, -1],
            5647337477467200,
            "178958970 8 1 12 0 0 213 4 false",
        ),
        (
            [2000, -2147483647, 1, 12, 0, 0, -1],
            -5647335586776000,
            "-178954971 5 1 12 0 0 121 6 false",
        ),
        (
            [2000, 1, 2147483647, 2147483647, 2147483647, 2147483647, -1],
            193405471330867,
            "6130745 5 29 12 21 7 149 3 false",
        ),
        (
            [
                2000,
                1,
                -2147483648,
                -2147483648,
                -2147483648,
                -2147483648,
                -1,
            ],
            -193403578224128,
            "-6126746 8 1 10 37 52 213 7 false",
        ),
        (
            [1970, 1, 1, 0, 0, -2, -1],
            -2,
            "1969 12 31 23 59 58 365 4 false",
        ),
        (
            [2038, 1, 19, 3, 14, 8, -1],
            2147483648,
            "2038 1 19 3 14 8 19 3 false",
        ),
    ];

    #[test]
    fn mktime_normalises() {
        let utc = Zone::utc();
        for &(f, want, norm) in MKTIME_CASES {
            let mut t = tm(f[0], f[1], f[2], f[3], f[4], f[5], f[6] as i32);
            let got = mktime(&mut t, &utc).unwrap_or_else(|| panic!("{f:?}: failed"));
            let n = format!(
                "{} {} {} {} {} {} {} {} {}",
                t.year + 1900,
                t.mon + 1,
                t.mday,
                t.hour,
                t.min,
                t.sec,
                t.yday + 1,
                t.wday + 1,
                t.isdst > 0
            );
            assert_eq!((got, n.as_str()), (want, norm), "{f:?}");
        }
        // Past the years a C int holds after normalisation.
        let mut t = tm(2147485547, 12, 32, 12, 0, 0, -1);
        assert!(mktime(&mut t, &utc).is_none());
    }

    #[test]
    fn localtime_fixed_zone() {
        let zone = Zone::fixed("XST", -(5 * 3600 + 30 * 60));
        let mut t = localtime(0, &zone).unwrap();
        let mut got = Vec::new();
        strftime(&mut got, b"%Y-%m-%d %H:%M:%S %z %Z", &t).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&got),
            "1969-12-31 18:30:00 -0530 XST"
        );
        assert_eq!(mktime(&mut t, &zone), Some(0));
    }

    /// Printed by lua5.4, each in a fresh process, with TZ set to the zone.
    const ZONE_CASES: &[(&str, [i64; 6], i64)] = &[
        ("America/New_York", [121, 6, 1, 12, 0, -1], 1625155200),
        ("America/New_York", [121, 6, 1, 12, 0, 0], 1625158800),
        ("America/New_York", [121, 0, 1, 12, 0, -1], 1609520400),
        ("America/New_York", [121, 0, 1, 12, 0, 1], 1609516800),
        ("America/New_York", [121, 10, 7, 1, 30, -1], 1636263000),
        ("America/New_York", [121, 10, 7, 1, 30, 0], 1636266600),
        ("America/New_York", [121, 10, 7, 1, 30, 1], 1636263000),
        ("America/New_York", [121, 2, 14, 2, 30, -1], 1615707000),
        ("America/New_York", [121, 2, 14, 2, 30, 0], 1615707000),
        ("America/New_York", [121, 2, 14, 2, 30, 1], 1615703400),
        ("Europe/Paris", [121, 9, 31, 2, 30, -1], 1635643800),
        ("Europe/Paris", [121, 9, 31, 2, 30, 0], 1635643800),
        ("Europe/Paris", [121, 9, 31, 2, 30, 1], 1635640200),
        ("Europe/Paris", [121, 2, 28, 2, 30, -1], 1616895000),
        ("Europe/Paris", [121, 2, 28, 2, 30, 0], 1616895000),
        ("Europe/Paris", [121, 2, 28, 2, 30, 1], 1616891400),
        ("America/New_York", [121, 9, 31, 2, 30, -1], 1635661800),
        ("America/New_York", [121, 9, 31, 2, 30, 0], 1635665400),
        ("America/New_York", [121, 2, 28, 2, 30, 0], 1616916600),
    ];

    #[test]
    fn mktime_in_zones() {
        for &(name, f, want) in ZONE_CASES {
            let Ok(data) = std::fs::read(format!("/usr/share/zoneinfo/{name}")) else {
                eprintln!("no zone database: skipped");
                return;
            };
            let zone = Zone::from_tzif(&data).expect("valid TZif");
            let mut t = Tm {
                year: f[0],
                mon: f[1],
                mday: f[2],
                hour: f[3],
                min: f[4],
                isdst: f[5] as i32,
                ..Tm::default()
            };
            assert_eq!(mktime(&mut t, &zone), Some(want), "{name} {f:?}");
        }
    }

    #[test]
    fn posix_tz_rules() {
        let ny = PosixTz::parse(b"EST5EDT,M3.2.0,M11.1.0").unwrap();
        // 2021-03-14 07:00 UTC is 02:00 EST: daylight saving starts.
        assert_eq!(ny.lookup(1615705200 - 1), (-5 * 3600, "EST", false));
        assert_eq!(ny.lookup(1615705200), (-4 * 3600, "EDT", true));
        // 2021-11-07 06:00 UTC is 02:00 EDT: it ends.
        assert_eq!(ny.lookup(1636264800 - 1), (-4 * 3600, "EDT", true));
        assert_eq!(ny.lookup(1636264800), (-5 * 3600, "EST", false));
        // The default rules are these.
        assert_eq!(PosixTz::parse(b"EST5EDT").unwrap(), ny);
        // Southern hemisphere, quoted names.
        let lhi = PosixTz::parse(b"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0").unwrap();
        assert_eq!(lhi.lookup(1625155200), (37800, "+1030", false)); // July
        assert_eq!(lhi.lookup(1609459200), (39600, "+11", true)); // January
        // Explicit times: 2021-10-31 01:00 UTC is 03:00 CEST.
        let eu = PosixTz::parse(b"CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
        assert_eq!(eu.lookup(1635642000), (3600, "CET", false));
        assert_eq!(eu.lookup(1635642000 - 1), (7200, "CEST", true));
        let fixed = PosixTz::parse(b"<-03>3").unwrap();
        assert_eq!(fixed.lookup(0), (-3 * 3600, "-03", false));
        assert_eq!(
            PosixTz::parse(b"UTC0").unwrap().lookup(0),
            (0, "UTC", false)
        );
        // Julian days: J60 is March 1 even in leap years.
        let j = PosixTz::parse(b"AAA3BBB,J60/0,J300").unwrap();
        let mar1 = days_from_civil(2024, 3, 1) * 86400 + 3 * 3600;
        assert!(!j.lookup(mar1 - 1).2);
        assert!(j.lookup(mar1).2);
        for bad in [
            &b""[..],
            b"E5",
            b"EST",
            b"EST5EDT,M13.1.0,M11.1.0",
            b"EST5EDT,M3.2.0",
            b"EST5x",
        ] {
            assert_eq!(
                PosixTz::parse(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn tzif_footer_after_last_transition() {
        let Ok(data) = std::fs::read("/usr/share/zoneinfo/America/New_York") else {
            return;
        };
        let zone = Zone::from_tzif(&data).unwrap();
        // June 2100, after the file's transitions (lua5.4: EDT).
        assert_eq!(zone.lookup(4118000000), (-4 * 3600, "EDT", true));
        assert_eq!(zone.lookup(4102444800), (-5 * 3600, "EST", false));
    }

    #[test]
    fn tzif_lookup() {
        let Ok(data) = std::fs::read("/usr/share/zoneinfo/America/New_York") else {
            return;
        };
        let zone = Zone::from_tzif(&data).unwrap();
        assert_eq!(zone.lookup(1625155200), (-4 * 3600, "EDT", true));
        assert_eq!(zone.lookup(1609520400), (-5 * 3600, "EST", false));
        let t = localtime(1625155200, &zone).unwrap();
        let mut got = Vec::new();
        strftime(&mut got, b"%c %z %Z", &t).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&got),
            "Thu Jul  1 12:00:00 2021 -0400 EDT"
        );
    }
}
