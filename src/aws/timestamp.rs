//! Timestamps: AWS ISO 8601 and HTTP dates in, Python's `str(datetime)` out.

/// Seconds since the Unix epoch plus microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant {
    pub secs: i64,
    pub micros: u32,
}

/// Days since 1970-01-01 for a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// `2026-11-27T23:04:05.342532Z` (or with `+hh:mm`, or without a zone: UTC).
pub fn parse_iso(s: &str) -> Option<Instant> {
    let s = s.trim();
    let (date, rest) = s.split_once(['T', 't', ' '])?;
    let mut date_parts = date.split('-');
    let y = digits(date_parts.next()?, 4)? as i64;
    let mo = digits(date_parts.next()?, 2)?;
    let d = digits(date_parts.next()?, 2)?;
    let zone_at = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (time, zone) = rest.split_at(zone_at);
    let (hms, fraction) = match time.split_once('.') {
        Some((hms, f)) => (hms, f),
        None => (time, ""),
    };
    let mut t = hms.split(':');
    let h = digits(t.next()?, 2)?;
    let mi = digits(t.next()?, 2)?;
    let sec = digits(t.next()?, 2)?;
    if !fraction.bytes().all(|b| b.is_ascii_digit()) || mo == 0 || mo > 12 || d == 0 || d > 31 {
        return None;
    }
    let micros: u32 = format!("{:0<6}", &fraction[..fraction.len().min(6)])
        .parse()
        .ok()?;
    let offset = match zone {
        "" | "Z" | "z" => 0,
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let (oh, om) = z[1..].split_once(':').unwrap_or((&z[1..], "00"));
            sign * (digits(oh, 2)? as i64 * 3600 + digits(om, 2)? as i64 * 60)
        }
    };
    let secs = days_from_civil(y, mo, d) * 86400 + (h * 3600 + mi * 60 + sec) as i64 - offset;
    Some(Instant { secs, micros })
}

/// `Fri, 27 Nov 2026 23:04:05 GMT` (RFC 7231 IMF-fixdate).
pub fn parse_http_date(s: &str) -> Option<Instant> {
    let mut parts = s.split_whitespace().skip(1);
    let d = parts.next()?.parse::<u32>().ok()?;
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mon = parts.next()?;
    let mo = months.iter().position(|m| m.eq_ignore_ascii_case(mon))? as u32 + 1;
    let y = parts.next()?.parse::<i64>().ok()?;
    let mut t = parts.next()?.split(':');
    let h: i64 = t.next()?.parse().ok()?;
    let mi: i64 = t.next()?.parse().ok()?;
    let sec: i64 = t.next()?.parse().ok()?;
    Some(Instant {
        secs: days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec,
        micros: 0,
    })
}

fn split(i: Instant) -> (i64, u32, u32, i64, i64, i64) {
    let days = i.secs.div_euclid(86400);
    let rem = i.secs.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    (y, m, d, rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Python's `str(datetime)` in UTC: microseconds only when non-zero.
pub fn format_python(i: Instant) -> String {
    let (y, m, d, h, mi, s) = split(i);
    let fraction = if i.micros > 0 {
        format!(".{:06}", i.micros)
    } else {
        String::new()
    };
    format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}{fraction}+00:00")
}

/// Python's `datetime.isoformat()` in UTC (`T` separator).
pub fn format_iso(i: Instant) -> String {
    format_python(i).replacen(' ', "T", 1)
}

/// An AWS timestamp as botocore prints it, or `None` if it does not parse.
pub fn python_str(s: &str) -> Option<String> {
    parse_iso(s).map(format_python)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_python_datetime() {
        assert_eq!(
            python_str("2026-11-27T23:04:05.342532Z").unwrap(),
            "2026-11-27 23:04:05.342532+00:00"
        );
        assert_eq!(
            python_str("2021-11-03T22:31:12Z").unwrap(),
            "2021-11-03 22:31:12+00:00"
        );
        assert_eq!(
            python_str("2026-11-27T23:00:50.000Z").unwrap(),
            "2026-11-27 23:00:50+00:00"
        );
        assert_eq!(
            python_str("2026-11-27T23:00:50.1Z").unwrap(),
            "2026-11-27 23:00:50.100000+00:00"
        );
        assert_eq!(
            python_str("2026-11-27T23:00:50.1234567Z").unwrap(),
            "2026-11-27 23:00:50.123456+00:00"
        );
        assert_eq!(
            python_str("2024-02-29T01:00:00+02:00").unwrap(),
            "2024-02-28 23:00:00+00:00"
        );
        assert_eq!(
            python_str("1999-12-31T23:59:59Z").unwrap(),
            "1999-12-31 23:59:59+00:00"
        );
        assert!(python_str("yesterday").is_none());
        assert!(python_str("2026-13-01T00:00:00Z").is_none());
    }

    #[test]
    fn http_dates() {
        let i = parse_http_date("Fri, 27 Nov 2026 23:04:05 GMT").unwrap();
        assert_eq!(format_python(i), "2026-11-27 23:04:05+00:00");
        assert_eq!(i, parse_iso("2026-11-27T23:04:05Z").unwrap());
        assert_eq!(parse_iso("1970-01-01T00:00:00Z").unwrap().secs, 0);
    }
}
