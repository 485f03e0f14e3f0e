//! [`RetentionDays`]: how long CloudWatch Logs keeps a log group's events, one of the
//! values it accepts.

/// A log retention CloudWatch Logs accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RetentionDays {
    OneDay,
    ThreeDays,
    FiveDays,
    OneWeek,
    TwoWeeks,
    OneMonth,
    TwoMonths,
    ThreeMonths,
    FourMonths,
    FiveMonths,
    SixMonths,
    OneYear,
    ThirteenMonths,
    EighteenMonths,
    TwoYears,
    ThreeYears,
    FiveYears,
    SixYears,
    SevenYears,
    EightYears,
    NineYears,
    TenYears,
    /// Never expire (no `RetentionInDays`).
    Infinite,
}

impl RetentionDays {
    /// The `RetentionInDays` value; `None` for [`RetentionDays::Infinite`].
    pub fn days(self) -> Option<u32> {
        use RetentionDays::*;
        Some(match self {
            OneDay => 1,
            ThreeDays => 3,
            FiveDays => 5,
            OneWeek => 7,
            TwoWeeks => 14,
            OneMonth => 30,
            TwoMonths => 60,
            ThreeMonths => 90,
            FourMonths => 120,
            FiveMonths => 150,
            SixMonths => 180,
            OneYear => 365,
            ThirteenMonths => 400,
            EighteenMonths => 545,
            TwoYears => 731,
            ThreeYears => 1096,
            FiveYears => 1827,
            SixYears => 2192,
            SevenYears => 2557,
            EightYears => 2922,
            NineYears => 3288,
            TenYears => 3653,
            Infinite => return None,
        })
    }
}
