//! How a table pays for throughput.

/// Billing mode of a table. Provisioned capacity applies to the table; each global
/// secondary index gets its own (see [`super::GlobalSecondaryIndex`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Billing {
    /// Pay per request (`PAY_PER_REQUEST`).
    OnDemand,
    /// Fixed read and write capacity units.
    Provisioned { read: u32, write: u32 },
}
