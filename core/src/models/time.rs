// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Graph's `DateTimeOffset` and `Duration` scalars, kept exact: a timestamp
//! writes back with the fractional digits it came with, and a duration
//! writes back as the ISO-8601 text it was (`P2D` stays `P2D`).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An instant as Graph writes it (`2024-03-26T17:36:45.411033Z`). The
/// fractional digits and the UTC offset it was written with (`Z`, or e.g.
/// `-07:00` in some responses) are kept, so it writes back unchanged;
/// [`Timestamp::as_datetime`] is the UTC instant.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    utc: DateTime<Utc>,
    frac_digits: u8,
    /// `None` for `Z`; otherwise the written offset in seconds east of UTC.
    offset: Option<i32>,
}

impl Timestamp {
    /// Parses RFC 3339 / ISO 8601; an offset other than `Z` is kept as
    /// written (the instant is the same either way).
    pub fn parse(s: &str) -> Result<Self, String> {
        let dt = DateTime::parse_from_rfc3339(s).map_err(|e| format!("invalid timestamp {s:?}: {e}"))?;
        let frac_digits = s
            .find('.')
            .map(|i| s[i + 1..].bytes().take_while(u8::is_ascii_digit).count().min(9) as u8)
            .unwrap_or(0);
        let zulu = s.ends_with('Z') || s.ends_with('z');
        let offset = (!zulu).then(|| dt.offset().local_minus_utc());
        Ok(Timestamp { utc: dt.with_timezone(&Utc), frac_digits, offset })
    }

    /// The current time, written in UTC (`Z`) with seven fractional digits
    /// as Graph writes them (three on a whole millisecond), e.g. for
    /// `schedule.startDateTime`.
    pub fn now() -> Self {
        Self::from(Utc::now())
    }

    /// The instant in UTC, whatever offset it was written with.
    pub fn as_datetime(&self) -> DateTime<Utc> {
        self.utc
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(utc: DateTime<Utc>) -> Self {
        let frac_digits = if utc.nanosecond() % 1_000_000 == 0 { 3 } else { 7 };
        Timestamp { utc, frac_digits, offset: None }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tz = self.offset.and_then(FixedOffset::east_opt);
        let (base, suffix) = match tz {
            None => (self.utc.format("%Y-%m-%dT%H:%M:%S").to_string(), "Z".to_string()),
            Some(tz) => {
                let local = self.utc.with_timezone(&tz);
                (local.format("%Y-%m-%dT%H:%M:%S").to_string(), local.format("%:z").to_string())
            }
        };
        if self.frac_digits == 0 {
            return write!(f, "{base}{suffix}");
        }
        let nanos = format!("{:09}", self.utc.nanosecond() % 1_000_000_000);
        write!(f, "{base}.{}{suffix}", &nanos[..self.frac_digits as usize])
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl FromStr for Timestamp {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let k = super::support::Key::deserialize(d)?;
        Timestamp::parse(k.as_str()).map_err(serde::de::Error::custom)
    }
}

/// An ISO-8601 duration (`P30D`, `PT8H`, `P1Y2M`, `-PT1.5S`), kept as written.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IsoDuration {
    text: Box<str>,
    parts: Parts,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Debug)]
struct Parts {
    negative: bool,
    years: u64,
    months: u64,
    weeks: u64,
    days: u64,
    hours: u64,
    minutes: u64,
    seconds: u64,
    nanos: u32,
}

impl IsoDuration {
    /// Parses an ISO-8601 duration: `P`, then years, months, weeks, days,
    /// then `T` and hours, minutes, seconds (fractional seconds allowed, to
    /// nanoseconds); a leading `-` for a negative one. The text is kept as given.
    pub fn parse(s: &str) -> Result<Self, String> {
        let err = || format!("invalid ISO-8601 duration {s:?} (expected e.g. P30D or PT8H)");
        let (negative, rest) = match s.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, s),
        };
        let rest = rest.strip_prefix('P').ok_or_else(err)?;
        let mut p = Parts { negative, ..Parts::default() };
        let (date, time) = match rest.split_once('T') {
            Some((d, t)) => {
                if t.is_empty() {
                    return Err(err());
                }
                (d, Some(t))
            }
            None => (rest, None),
        };
        if date.is_empty() && time.is_none() {
            return Err(err());
        }
        let mut num = String::new();
        let mut last = 0u8;
        for c in date.chars() {
            if c.is_ascii_digit() {
                num.push(c);
                continue;
            }
            let order = match c {
                'Y' => 1,
                'M' => 2,
                'W' => 3,
                'D' => 4,
                _ => return Err(err()),
            };
            if num.is_empty() || order <= last {
                return Err(err());
            }
            last = order;
            let n: u64 = num.parse().map_err(|_| err())?;
            num.clear();
            match c {
                'Y' => p.years = n,
                'M' => p.months = n,
                'W' => p.weeks = n,
                _ => p.days = n,
            }
        }
        if !num.is_empty() {
            return Err(err());
        }
        if let Some(t) = time {
            let mut last = 0u8;
            for c in t.chars() {
                if c.is_ascii_digit() || c == '.' {
                    num.push(c);
                    continue;
                }
                let order = match c {
                    'H' => 1,
                    'M' => 2,
                    'S' => 3,
                    _ => return Err(err()),
                };
                if num.is_empty() || order <= last || (c != 'S' && num.contains('.')) {
                    return Err(err());
                }
                last = order;
                match c {
                    'H' => p.hours = num.parse().map_err(|_| err())?,
                    'M' => p.minutes = num.parse().map_err(|_| err())?,
                    _ => {
                        let (whole, frac) = num.split_once('.').unwrap_or((&num, ""));
                        if whole.is_empty() || frac.len() > 9 || frac.contains('.') {
                            return Err(err());
                        }
                        p.seconds = whole.parse().map_err(|_| err())?;
                        if !frac.is_empty() {
                            p.nanos = format!("{frac:0<9}").parse().map_err(|_| err())?;
                        }
                    }
                }
                num.clear();
            }
            if !num.is_empty() {
                return Err(err());
            }
        }
        Ok(IsoDuration { text: s.into(), parts: p })
    }

    /// `P{days}D`, e.g. an assignment's duration in a policy's expiration.
    pub fn from_days(days: u64) -> Self {
        Self::parse(&format!("P{days}D")).expect("valid")
    }

    /// `PT{hours}H`, e.g. an approval stage's escalation time.
    pub fn from_hours(hours: u64) -> Self {
        Self::parse(&format!("PT{hours}H")).expect("valid")
    }

    /// Days, hours, minutes and seconds, zero parts left out (`PT0S` for zero).
    pub fn from_std(d: std::time::Duration) -> Self {
        let mut secs = d.as_secs();
        let days = secs / 86_400;
        secs %= 86_400;
        let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
        let mut out = String::from("P");
        if days > 0 {
            out += &format!("{days}D");
        }
        let mut time = String::new();
        if h > 0 {
            time += &format!("{h}H");
        }
        if m > 0 {
            time += &format!("{m}M");
        }
        if s > 0 || d.subsec_nanos() > 0 {
            if d.subsec_nanos() > 0 {
                let frac = format!("{:09}", d.subsec_nanos());
                time += &format!("{s}.{}S", frac.trim_end_matches('0'));
            } else {
                time += &format!("{s}S");
            }
        }
        if !time.is_empty() {
            out += "T";
            out += &time;
        } else if days == 0 {
            out += "T0S";
        }
        Self::parse(&out).expect("valid")
    }

    /// The exact length, when it has no years or months (whose length varies)
    /// and fits a `Duration` (a service may send `P18446744073709551615D`).
    pub fn to_std(&self) -> Option<std::time::Duration> {
        let p = self.parts;
        if p.years > 0 || p.months > 0 || p.negative {
            return None;
        }
        let days = p.weeks.checked_mul(7)?.checked_add(p.days)?;
        let hours = days.checked_mul(24)?.checked_add(p.hours)?;
        let minutes = hours.checked_mul(60)?.checked_add(p.minutes)?;
        let secs = minutes.checked_mul(60)?.checked_add(p.seconds)?;
        Some(std::time::Duration::new(secs, p.nanos))
    }

    /// The text as written or as built (`P2D`), which is what is sent.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for IsoDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for IsoDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IsoDuration({})", self.text)
    }
}

impl FromStr for IsoDuration {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

impl Serialize for IsoDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for IsoDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let k = super::support::Key::deserialize(d)?;
        IsoDuration::parse(k.as_str()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_exactly() {
        for s in [
            "2024-03-26T17:36:45.411033Z",
            "2023-04-13T14:43:19.44Z",
            "2020-06-29T19:47:44.7399675Z",
            "2020-06-23T18:43:24Z",
        ] {
            assert_eq!(Timestamp::parse(s).unwrap().to_string(), s);
        }
        // An offset is kept as written; the instant is the UTC one.
        let t = Timestamp::parse("2024-08-08T19:13:50.023-07:00").unwrap();
        assert_eq!(t.to_string(), "2024-08-08T19:13:50.023-07:00");
        assert_eq!(t.as_datetime(), Timestamp::parse("2024-08-09T02:13:50.023Z").unwrap().as_datetime());
        assert_eq!(Timestamp::parse("2024-01-01T02:00:00+02:00").unwrap().to_string(), "2024-01-01T02:00:00+02:00");
        assert_eq!(Timestamp::parse("2024-01-01T00:00:00+00:00").unwrap().to_string(), "2024-01-01T00:00:00+00:00");
        assert!(Timestamp::parse("yesterday").is_err());
    }

    #[test]
    fn durations_round_trip_and_convert() {
        for s in ["P2D", "P30D", "PT8H", "P1Y2M3W4DT5H6M7.25S", "PT0S", "-PT1S"] {
            assert_eq!(IsoDuration::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(IsoDuration::parse("P2D").unwrap().to_std(), Some(std::time::Duration::from_secs(172_800)));
        assert_eq!(IsoDuration::parse("P18446744073709551615D").unwrap().to_std(), None);
        assert_eq!(IsoDuration::parse("PT18446744073709551615S").unwrap().to_std(), Some(std::time::Duration::from_secs(u64::MAX)));
        assert_eq!(IsoDuration::parse("P1WT18446744073709551615S").unwrap().to_std(), None);
        assert_eq!(IsoDuration::from_std(std::time::Duration::from_secs(172_800)).as_str(), "P2D");
        assert_eq!(IsoDuration::from_std(std::time::Duration::from_secs(3_690)).as_str(), "PT1H1M30S");
        assert_eq!(IsoDuration::from_std(std::time::Duration::ZERO).as_str(), "PT0S");
        for bad in ["", "P", "PT", "2D", "P2", "PD", "P1D2Y", "PT1.5H", "P1.5D", "PT1S2M"] {
            assert!(IsoDuration::parse(bad).is_err(), "{bad}");
        }
    }
}
