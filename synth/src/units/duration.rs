//! [`Duration`]: a length of time, kept in milliseconds.

use crate::diagnostics::PropertyErrors;
use std::ops::RangeInclusive;

/// A length of time.
///
/// ```
/// use escdk_synth::units::Duration;
/// assert_eq!(Duration::minutes(15).to_seconds(), Some(900));
/// assert_eq!(Duration::millis(1500).to_seconds(), None); // not whole seconds
/// assert_eq!(Duration::days(14).to_seconds(), Some(1_209_600));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration {
    millis: u64,
}

const SECOND: u64 = 1_000;
const MINUTE: u64 = 60 * SECOND;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;

impl Duration {
    // A count too large for u64 milliseconds saturates at the largest, which every range a
    // property allows refuses at synth, instead of overflowing.
    pub const fn millis(n: u64) -> Self {
        Duration { millis: n }
    }
    pub const fn seconds(n: u64) -> Self {
        Duration {
            millis: n.saturating_mul(SECOND),
        }
    }
    pub const fn minutes(n: u64) -> Self {
        Duration {
            millis: n.saturating_mul(MINUTE),
        }
    }
    pub const fn hours(n: u64) -> Self {
        Duration {
            millis: n.saturating_mul(HOUR),
        }
    }
    pub const fn days(n: u64) -> Self {
        Duration {
            millis: n.saturating_mul(DAY),
        }
    }

    pub fn to_millis(self) -> u64 {
        self.millis
    }

    fn whole(self, unit: u64) -> Option<u64> {
        (self.millis % unit == 0).then_some(self.millis / unit)
    }

    /// In seconds, when it is a whole number of them.
    pub fn to_seconds(self) -> Option<u64> {
        self.whole(SECOND)
    }
    /// In minutes, when it is a whole number of them.
    pub fn to_minutes(self) -> Option<u64> {
        self.whole(MINUTE)
    }
    /// In days, when it is a whole number of them.
    pub fn to_days(self) -> Option<u64> {
        self.whole(DAY)
    }

    /// As people read it: `15 minutes`, `1500 ms`.
    pub fn human(self) -> String {
        let plural = |n: u64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
        for (unit, name) in [
            (DAY, "day"),
            (HOUR, "hour"),
            (MINUTE, "minute"),
            (SECOND, "second"),
        ] {
            if self.millis >= unit && self.millis % unit == 0 {
                return plural(self.millis / unit, name);
            }
        }
        format!("{} ms", self.millis)
    }

    fn checked(
        self,
        scope: &impl PropertyErrors,
        property: &str,
        unit: (u64, &str),
        range: RangeInclusive<u64>,
    ) -> u64 {
        let (size, name) = unit;
        let millis = range.start().saturating_mul(size)..=range.end().saturating_mul(size);
        // Out of range first: that is the fix to give, whole or not.
        if !millis.contains(&self.millis) {
            scope.property_error(
                property,
                format!(
                    "{} is outside the allowed {} to {} {name}s",
                    self.human(),
                    range.start(),
                    range.end()
                ),
                format!(
                    "give a duration between {} and {}",
                    Duration::millis(*millis.start()).human(),
                    Duration::millis(*millis.end()).human()
                ),
            );
            return self.millis / size;
        }
        let Some(n) = self.whole(size) else {
            scope.property_error(
                property,
                format!("{} is not a whole number of {name}s", self.human()),
                format!("give a whole number of {name}s"),
            );
            return *range.start();
        };
        n
    }

    /// Whole seconds in `range`, for a property of the construct at `scope`; an error at
    /// synth otherwise.
    pub fn seconds_in(
        self,
        scope: &impl PropertyErrors,
        property: &str,
        range: RangeInclusive<u64>,
    ) -> u64 {
        self.checked(scope, property, (SECOND, "second"), range)
    }

    /// Whole days in `range` (see [`Duration::seconds_in`]).
    pub fn days_in(
        self,
        scope: &impl PropertyErrors,
        property: &str,
        range: RangeInclusive<u64>,
    ) -> u64 {
        self.checked(scope, property, (DAY, "day"), range)
    }

    /// Whole milliseconds in `range` (see [`Duration::seconds_in`]).
    pub fn millis_in(
        self,
        scope: &impl PropertyErrors,
        property: &str,
        range: RangeInclusive<u64>,
    ) -> u64 {
        self.checked(scope, property, (1, "millisecond"), range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Stack;

    #[test]
    fn conversions_are_exact() {
        assert_eq!(Duration::hours(2).to_minutes(), Some(120));
        assert_eq!(Duration::seconds(90).to_minutes(), None);
        assert_eq!(Duration::days(1).human(), "1 day");
        assert_eq!(Duration::seconds(90).human(), "90 seconds");
        assert_eq!(Duration::millis(1500).human(), "1500 ms");
    }

    #[test]
    fn checks_name_the_property_and_the_fix() {
        let stack = Stack::new("U");
        let scope = stack.root().child("Fn");
        assert_eq!(
            Duration::minutes(20).seconds_in(&scope, "Timeout", 1..=900),
            1200
        );
        Duration::millis(1500).seconds_in(&scope, "Timeout", 1..=900);
        let d: Vec<String> = stack.diagnostics().iter().map(|d| d.to_string()).collect();
        assert_eq!(d[0], "error: U/Fn Timeout: 20 minutes is outside the allowed 1 to 900 seconds\n  fix: give a duration between 1 second and 15 minutes");
        assert_eq!(d[1], "error: U/Fn Timeout: 1500 ms is not a whole number of seconds\n  fix: give a whole number of seconds");
    }

    #[test]
    fn a_count_too_large_saturates_and_is_out_of_range() {
        // Each unit overflows u64 milliseconds well before u64::MAX of it.
        for d in [
            Duration::seconds(u64::MAX),
            Duration::minutes(u64::MAX / 1000),
            Duration::hours(u64::MAX / 1000),
            Duration::days(u64::MAX / 1000),
        ] {
            assert_eq!(d.to_millis(), u64::MAX);
        }
        let stack = Stack::new("U");
        let scope = stack.root().child("Fn");
        // Out of range and not whole either: the range is the fix to give.
        Duration::days(u64::MAX).seconds_in(&scope, "Timeout", 1..=900);
        Duration::millis(900_001).seconds_in(&scope, "Timeout", 1..=900);
        let d: Vec<String> = stack.diagnostics().iter().map(|d| d.to_string()).collect();
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].starts_with("error: U/Fn Timeout: 18446744073709551615 ms is outside the allowed 1 to 900 seconds"), "{d:?}");
        assert!(
            d[1].starts_with(
                "error: U/Fn Timeout: 900001 ms is outside the allowed 1 to 900 seconds"
            ),
            "{d:?}"
        );
    }
}
