//! A CloudWatch metric: namespace, name, dimensions, statistic and period.

use escdk_synth::{Duration, Value};

/// How the data points of one period are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statistic {
    Sum,
    Average,
    Maximum,
    Minimum,
    SampleCount,
}

impl Statistic {
    pub fn name(self) -> &'static str {
        match self {
            Statistic::Sum => "Sum",
            Statistic::Average => "Average",
            Statistic::Maximum => "Maximum",
            Statistic::Minimum => "Minimum",
            Statistic::SampleCount => "SampleCount",
        }
    }
}

/// One metric, as an alarm watches it.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub namespace: String,
    pub name: String,
    pub dimensions: Vec<(String, Value<String>)>,
    pub statistic: Statistic,
    /// 10, 20 or 30 seconds, or a whole number of minutes.
    pub period: Duration,
}

impl Metric {
    /// The `Sum` over 5 minutes of `namespace`/`name`, with no dimensions yet.
    pub fn new(namespace: &str, name: &str) -> Metric {
        Metric {
            namespace: namespace.to_string(),
            name: name.to_string(),
            dimensions: Vec::new(),
            statistic: Statistic::Sum,
            period: Duration::minutes(5),
        }
    }

    pub fn dimension(mut self, name: &str, value: impl Into<Value<String>>) -> Metric {
        self.dimensions.push((name.to_string(), value.into()));
        self
    }

    pub fn statistic(mut self, statistic: Statistic) -> Metric {
        self.statistic = statistic;
        self
    }

    pub fn period(mut self, period: Duration) -> Metric {
        self.period = period;
        self
    }
}
