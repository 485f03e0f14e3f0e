//! [`Size`]: an amount of memory or storage, kept in mebibytes.

use crate::diagnostics::PropertyErrors;
use std::ops::RangeInclusive;

/// An amount of memory or storage.
///
/// ```
/// use escdk_synth::units::Size;
/// assert_eq!(Size::gibibytes(2).to_mebibytes(), 2048);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Size {
    mebibytes: u64,
}

impl Size {
    pub const fn mebibytes(n: u64) -> Self {
        Size { mebibytes: n }
    }
    /// A count too large for u64 mebibytes saturates at the largest, which every range a
    /// property allows refuses at synth, instead of overflowing.
    pub const fn gibibytes(n: u64) -> Self {
        Size {
            mebibytes: n.saturating_mul(1024),
        }
    }
    pub fn to_mebibytes(self) -> u64 {
        self.mebibytes
    }

    /// MiB in `range`, for a property of the construct at `scope`; an error at synth
    /// otherwise.
    pub fn mebibytes_in(
        self,
        scope: &impl PropertyErrors,
        property: &str,
        range: RangeInclusive<u64>,
    ) -> u64 {
        if !range.contains(&self.mebibytes) {
            scope.property_error(
                property,
                format!(
                    "{} MiB is outside the allowed {} to {} MiB",
                    self.mebibytes,
                    range.start(),
                    range.end()
                ),
                format!(
                    "give a size between {} and {} MiB",
                    range.start(),
                    range.end()
                ),
            );
        }
        self.mebibytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gibibytes_too_many_saturate_instead_of_overflowing() {
        assert_eq!(Size::gibibytes(2).to_mebibytes(), 2048);
        assert_eq!(
            Size::gibibytes(u64::MAX / 1024 + 1).to_mebibytes(),
            u64::MAX
        );
    }
}
