//! Units for construct props, as the CDK's `Duration`, `Size` and `RetentionDays`: a prop
//! says what it measures, and the conversion to the number a property wants checks what
//! that property accepts (whole seconds, a range, an allowed set), recording an error that
//! names the construct path and the property.

mod duration;
mod retention;
mod size;

pub use duration::Duration;
pub use retention::RetentionDays;
pub use size::Size;
