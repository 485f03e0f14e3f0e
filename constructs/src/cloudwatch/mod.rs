//! CloudWatch: [`Metric`] values that constructs hand out (`metric_*()`, as the CDK's
//! `metricErrors()` and friends), and alarms on them ([`Metric::alarm`]).
//!
//! A construct's metric helpers give the namespace, name, dimensions and a sensible
//! statistic; the caller picks the threshold. Alarms notify topics given as ARNs.

mod alarm;
mod metric;

pub use alarm::{AlarmOptions, Comparison, MissingData};
pub use metric::{Metric, Statistic};
