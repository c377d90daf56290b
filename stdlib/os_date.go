package stdlib

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// The date engine of os.date and os.time: broken-down times (C's struct
// tm) computed with our own calendar arithmetic, so that every int64 time
// works as it does with the reference's C library (years far outside Go's
// time.Time range included), and strftime in the C locale.

// osTm is a broken-down time, field for field C's struct tm.
type osTm struct {
	year   int64 // years since 1900 (fits an int32)
	mon    int64 // months since January, 0-11
	mday   int64 // day of the month, 1-31
	hour   int64 // 0-23
	min    int64 // 0-59
	sec    int64 // 0-60
	wday   int64 // days since Sunday, 0-6
	yday   int64 // days since January 1, 0-365
	isdst  int   // > 0 daylight saving time, 0 not, < 0 unknown
	gmtoff int64 // seconds east of UTC
	zone   string
}

func osFloorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func osFloorMod(a, b int64) int64 { return a - osFloorDiv(a, b)*b }

// osDaysFromCivil returns the number of days from 1970-01-01 to the given
// date of the proleptic Gregorian calendar (month 1-12).
func osDaysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := osFloorDiv(y, 400)
	yoe := y - era*400                     // [0, 399]
	doy := (153*((m+9)%12)+2)/5 + d - 1    // [0, 365], from March 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy // [0, 146096]
	return era*146097 + doe - 719468
}

// osCivilFromDays is the inverse of osDaysFromCivil.
func osCivilFromDays(days int64) (y, m, d int64) {
	z := days + 719468
	era := osFloorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

func osIsLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// osGmtime breaks t (seconds since the epoch) down as UTC, as C's gmtime
// does; ok is false when the year does not fit the int of struct tm.
func osGmtime(t int64) (tm osTm, ok bool) {
	days := osFloorDiv(t, 86400)
	secs := t - days*86400
	y, m, d := osCivilFromDays(days)
	if y-1900 > math.MaxInt32 || y-1900 < math.MinInt32 {
		return tm, false
	}
	tm = osTm{
		year: y - 1900, mon: m - 1, mday: d,
		hour: secs / 3600, min: secs / 60 % 60, sec: secs % 60,
		wday: osFloorMod(days+4, 7), // 1970-01-01 was a Thursday
		yday: days - osDaysFromCivil(y, 1, 1),
		zone: "GMT",
	}
	return tm, true
}

// osZoneLimit bounds the times for which the zone database is asked for
// an offset; beyond it the offset of the bound is used.
const osZoneLimit = 1 << 45

// osZone returns the offset east of UTC, the abbreviation and whether
// daylight saving time is in effect at time t in loc.
func osZone(loc *time.Location, t int64) (offset int64, name string, dst bool) {
	t = min(max(t, -osZoneLimit), osZoneLimit)
	tt := time.Unix(t, 0).In(loc)
	name, off := tt.Zone()
	return int64(off), name, tt.IsDST()
}

// osLocaltime breaks t down in the time zone loc, as C's localtime does.
func osLocaltime(t int64, loc *time.Location) (osTm, bool) {
	off, name, dst := osZone(loc, t)
	if (off > 0 && t > math.MaxInt64-off) || (off < 0 && t < math.MinInt64-off) {
		return osTm{}, false
	}
	tm, ok := osGmtime(t + off)
	if !ok {
		return tm, false
	}
	tm.gmtoff, tm.zone = off, name
	if dst {
		tm.isdst = 1
	}
	return tm, true
}

// osMktime converts a broken-down local time to seconds since the epoch,
// as C's mktime does: fields out of their ranges carry over into the
// next ones, tm.isdst > 0 or == 0 asks for daylight saving or standard
// time (a mismatch shifts the result like glibc does), and tm is replaced
// by the normalized time. ok is false when the result cannot be
// represented.
func osMktime(tm *osTm, loc *time.Location) (t int64, ok bool) {
	year := tm.year + 1900 + osFloorDiv(tm.mon, 12)
	mon := osFloorMod(tm.mon, 12)
	days := osDaysFromCivil(year, mon+1, 1) + tm.mday - 1
	local := days*86400 + tm.hour*3600 + tm.min*60 + tm.sec
	t, dst, fixed := osLocalToUTC(loc, local, tm.isdst)
	if !fixed && tm.isdst >= 0 && (tm.isdst > 0) != dst {
		t = osMktimeDST(loc, local, t, tm.isdst > 0)
	}
	res, ok := osLocaltime(t, loc)
	if !ok {
		return 0, false
	}
	*tm = res
	return t, true
}

// osLocalToUTC returns the time t whose local time in loc is local
// (seconds since the epoch as if the local time were UTC), and whether
// daylight saving time is in effect then, as glibc's mktime finds it in a
// fresh process: starting from the offset in force at the instant local,
// then from the offset found there. When both fail, local falls in a gap
// (clocks went forward); of the two times an hour apart around it, the
// one whose daylight saving status differs from hint is taken (for hint
// < 0, the daylight saving one), and fixed reports that the hint has been
// dealt with.
func osLocalToUTC(loc *time.Location, local int64, hint int) (t int64, dst, fixed bool) {
	o0, _, _ := osZone(loc, local)
	t0 := local - o0
	o1, _, d1 := osZone(loc, t0)
	if o1 == o0 {
		return t0, d1, false
	}
	t1 := local - o1
	o2, _, d2 := osZone(loc, t1)
	if o2 == o1 {
		return t1, d2, false
	}
	if want := hint <= 0; d1 == want {
		return t0, d1, true
	}
	return t1, d2, true
}

// osMktimeDST corrects t, the time of local (seconds since the epoch as
// if the local time were UTC), when it has the wrong daylight saving
// status: it looks for a nearby time with the wanted status and uses its
// offset, or else shifts t by an hour (as glibc's mktime does).
func osMktimeDST(loc *time.Location, local, t int64, wantDST bool) int64 {
	const stride, bound = 601200, 536454000
	for delta := int64(stride); delta < bound; delta += stride {
		for _, ot := range [2]int64{t - delta, t + delta} {
			if off, _, dst := osZone(loc, ot); dst == wantDST {
				return local - off
			}
		}
	}
	if wantDST {
		return t - 3600
	}
	return t + 3600
}

var (
	osDayNames   = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	osMonthNames = [12]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
)

// osStrftimeOptions lists the valid conversions (C99), one-character ones
// first, then the two-character ones with the E and O modifiers.
var (
	osStrftimeOptions1 = "aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%"
	osStrftimeOptions2 = []string{"Ec", "EC", "Ex", "EX", "Ey", "EY",
		"Od", "Oe", "OH", "OI", "Om", "OM", "OS", "Ou", "OU", "OV", "Ow", "OW", "Oy"}
)

// osStrftimeError is the error of a format with an invalid conversion;
// rest is the format from the character after '%'.
type osStrftimeError struct{ rest string }

func (e *osStrftimeError) Error() string {
	rest := e.rest
	for i := 0; i < len(rest); i++ { // the reference shows it as a C string
		if rest[i] == 0 {
			rest = rest[:i]
			break
		}
	}
	return "invalid conversion specifier '%" + rest + "'"
}

// osStrftime formats tm as C's strftime does in the C locale, one
// conversion at a time (the reference calls strftime for each one), and
// appends the result to buf.
func osStrftime(buf []byte, format string, tm *osTm) ([]byte, error) {
	for i := 0; i < len(format); {
		c := format[i]
		if c != '%' {
			buf = append(buf, c)
			i++
			continue
		}
		rest := format[i+1:]
		var conv byte
		switch {
		case len(rest) >= 1 && strings.IndexByte(osStrftimeOptions1, rest[0]) >= 0:
			conv = rest[0]
			i += 2
		case len(rest) >= 2 && osIsOption2(rest[:2]):
			conv = rest[1] // in the C locale E and O change nothing
			i += 3
		default:
			return buf, &osStrftimeError{rest}
		}
		buf = osFormatConv(buf, conv, tm)
	}
	return buf, nil
}

func osIsOption2(s string) bool {
	for _, o := range osStrftimeOptions2 {
		if o == s {
			return true
		}
	}
	return false
}

// osPad appends n in decimal, padded to width with pad.
func osPad(buf []byte, n int64, width int, pad byte) []byte {
	var tmp [24]byte
	s := strconv.AppendInt(tmp[:0], n, 10)
	neg := n < 0
	if neg {
		buf = append(buf, '-')
		s = s[1:]
		width--
	}
	for k := len(s); k < width; k++ {
		buf = append(buf, pad)
	}
	return append(buf, s...)
}

// osYear returns the calendar year of tm as C computes it from tm_year
// in an int (wrapping at the very end of the range, as glibc does).
func osYear(tm *osTm) int64 { return int64(int32(tm.year + 1900)) }

// osISOWeekDays returns the number of days from the first day of the
// first ISO week of the year (the Monday of the week with the year's
// first Thursday) to the day with year day yday and week day wday.
func osISOWeekDays(yday, wday int64) int64 {
	const bigMultipleOf7 = (366/7 + 2) * 7 // keeps the % operand positive
	return yday - (yday-wday+4+bigMultipleOf7)%7 + 3
}

// osISOWeek returns the ISO 8601 week-based year and week number of tm.
func osISOWeek(tm *osTm) (year, week int64) {
	year = osYear(tm)
	days := osISOWeekDays(tm.yday, tm.wday)
	if days < 0 { // the week belongs to the previous year
		year--
		ylen := int64(365)
		if osIsLeap(year) {
			ylen = 366
		}
		days = osISOWeekDays(tm.yday+ylen, tm.wday)
	} else {
		ylen := int64(365)
		if osIsLeap(year) {
			ylen = 366
		}
		if d := osISOWeekDays(tm.yday-ylen, tm.wday); d >= 0 { // next year's
			year++
			days = d
		}
	}
	return year, days/7 + 1
}

// osFormatConv appends conversion conv of tm.
func osFormatConv(buf []byte, conv byte, tm *osTm) []byte {
	hour12 := tm.hour % 12
	if hour12 == 0 {
		hour12 = 12
	}
	switch conv {
	case 'a':
		return append(buf, osDayNames[tm.wday][:3]...)
	case 'A':
		return append(buf, osDayNames[tm.wday]...)
	case 'b', 'h':
		return append(buf, osMonthNames[tm.mon][:3]...)
	case 'B':
		return append(buf, osMonthNames[tm.mon]...)
	case 'c':
		buf = osFormatConv(buf, 'a', tm)
		buf = append(buf, ' ')
		buf = osFormatConv(buf, 'b', tm)
		buf = append(buf, ' ')
		buf = osFormatConv(buf, 'e', tm)
		buf = append(buf, ' ')
		buf = osFormatConv(buf, 'T', tm)
		buf = append(buf, ' ')
		return osFormatConv(buf, 'Y', tm)
	case 'C':
		return osPad(buf, osFloorDiv(osYear(tm), 100), 1, '0')
	case 'd':
		return osPad(buf, tm.mday, 2, '0')
	case 'D', 'x':
		buf = osFormatConv(buf, 'm', tm)
		buf = append(buf, '/')
		buf = osFormatConv(buf, 'd', tm)
		buf = append(buf, '/')
		return osFormatConv(buf, 'y', tm)
	case 'e':
		return osPad(buf, tm.mday, 2, ' ')
	case 'F':
		buf = osFormatConv(buf, 'Y', tm)
		buf = append(buf, '-')
		buf = osFormatConv(buf, 'm', tm)
		buf = append(buf, '-')
		return osFormatConv(buf, 'd', tm)
	case 'g':
		y, _ := osISOWeek(tm)
		return osPad(buf, osFloorMod(y, 100), 2, '0')
	case 'G':
		y, _ := osISOWeek(tm)
		return osPad(buf, y, 1, '0')
	case 'H':
		return osPad(buf, tm.hour, 2, '0')
	case 'I':
		return osPad(buf, hour12, 2, '0')
	case 'j':
		return osPad(buf, tm.yday+1, 3, '0')
	case 'm':
		return osPad(buf, tm.mon+1, 2, '0')
	case 'M':
		return osPad(buf, tm.min, 2, '0')
	case 'n':
		return append(buf, '\n')
	case 'p':
		if tm.hour < 12 {
			return append(buf, "AM"...)
		}
		return append(buf, "PM"...)
	case 'r':
		buf = osPad(buf, hour12, 2, '0')
		buf = append(buf, ':')
		buf = osFormatConv(buf, 'M', tm)
		buf = append(buf, ':')
		buf = osFormatConv(buf, 'S', tm)
		buf = append(buf, ' ')
		return osFormatConv(buf, 'p', tm)
	case 'R':
		buf = osFormatConv(buf, 'H', tm)
		buf = append(buf, ':')
		return osFormatConv(buf, 'M', tm)
	case 'S':
		return osPad(buf, tm.sec, 2, '0')
	case 't':
		return append(buf, '\t')
	case 'T', 'X':
		buf = osFormatConv(buf, 'H', tm)
		buf = append(buf, ':')
		buf = osFormatConv(buf, 'M', tm)
		buf = append(buf, ':')
		return osFormatConv(buf, 'S', tm)
	case 'u':
		return osPad(buf, (tm.wday+6)%7+1, 1, '0')
	case 'U':
		return osPad(buf, (tm.yday+7-tm.wday)/7, 2, '0')
	case 'V':
		_, w := osISOWeek(tm)
		return osPad(buf, w, 2, '0')
	case 'w':
		return osPad(buf, tm.wday, 1, '0')
	case 'W':
		return osPad(buf, (tm.yday+7-(tm.wday+6)%7)/7, 2, '0')
	case 'y':
		return osPad(buf, osFloorMod(tm.year, 100), 2, '0')
	case 'Y':
		return osPad(buf, osYear(tm), 1, '0')
	case 'z':
		off := tm.gmtoff
		sign := byte('+')
		if off < 0 {
			sign = '-'
			off = -off
		}
		buf = append(buf, sign)
		return osPad(buf, off/3600*100+off/60%60, 4, '0')
	case 'Z':
		return append(buf, tm.zone...)
	case '%':
		return append(buf, '%')
	}
	return buf
}
