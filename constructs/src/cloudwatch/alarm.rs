//! Alarms on a [`Metric`].

use super::metric::Metric;
use escdk_synth::cfn::cloudwatch::{alarm, CfnAlarm};
use escdk_synth::{Expr, Handle, Scope};

/// How the statistic is compared with the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
}

impl Comparison {
    fn name(self) -> &'static str {
        match self {
            Comparison::GreaterThan => "GreaterThanThreshold",
            Comparison::GreaterThanOrEqual => "GreaterThanOrEqualToThreshold",
            Comparison::LessThan => "LessThanThreshold",
            Comparison::LessThanOrEqual => "LessThanOrEqualToThreshold",
        }
    }
}

/// What a period without data counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingData {
    /// Good: metrics such as `Errors` are only sent when non-zero.
    NotBreaching,
    Breaching,
    Ignore,
    Missing,
}

impl MissingData {
    fn name(self) -> &'static str {
        match self {
            MissingData::NotBreaching => "notBreaching",
            MissingData::Breaching => "breaching",
            MissingData::Ignore => "ignore",
            MissingData::Missing => "missing",
        }
    }
}

/// An alarm's threshold, how long it must be breached, and whom it tells.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmOptions {
    /// What the alarm means and what to do: the text the person paged reads first.
    pub description: String,
    pub threshold: f64,
    pub comparison: Comparison,
    pub evaluation_periods: u32,
    /// How many of the evaluated periods must breach (all of them when `None`).
    pub datapoints_to_alarm: Option<u32>,
    pub missing_data: MissingData,
    /// Topic ARNs told when the alarm fires.
    pub actions: Vec<Expr>,
}

impl AlarmOptions {
    /// Breaches when the statistic is greater than `threshold` for one period; missing data
    /// is not breaching; nobody is told until [`AlarmOptions::notify`].
    pub fn new(description: impl Into<String>, threshold: f64) -> AlarmOptions {
        AlarmOptions {
            description: description.into(),
            threshold,
            comparison: Comparison::GreaterThan,
            evaluation_periods: 1,
            datapoints_to_alarm: None,
            missing_data: MissingData::NotBreaching,
            actions: Vec::new(),
        }
    }

    pub fn comparison(mut self, comparison: Comparison) -> Self {
        self.comparison = comparison;
        self
    }

    /// Breaches when `datapoints` of the last `periods` periods breach.
    pub fn over(mut self, datapoints: u32, periods: u32) -> Self {
        self.datapoints_to_alarm = Some(datapoints);
        self.evaluation_periods = periods;
        self
    }

    pub fn missing_data(mut self, missing: MissingData) -> Self {
        self.missing_data = missing;
        self
    }

    /// Tells these topics (ARNs) when the alarm fires.
    pub fn notify(mut self, topics: &[Expr]) -> Self {
        self.actions.extend(topics.iter().cloned());
        self
    }
}

impl Metric {
    /// An alarm on this metric at `<scope>/<id>`. A period CloudWatch refuses, no
    /// evaluation period, or more data points than periods are synth errors on `id`.
    pub fn alarm(&self, scope: &Scope, id: &str, options: AlarmOptions) -> Handle<CfnAlarm> {
        if options.evaluation_periods == 0 {
            scope.prop_error(
                id,
                "an alarm needs at least one evaluation period",
                "set evaluation_periods to 1 or more",
            );
        }
        if let Some(d) = options.datapoints_to_alarm {
            if d == 0 || d > options.evaluation_periods {
                scope.prop_error(
                    id,
                    format!(
                        "{d} data points to alarm out of {} evaluation periods",
                        options.evaluation_periods
                    ),
                    "alarm on 1 to evaluation_periods data points",
                );
            }
        }
        let period = self.period.to_seconds().unwrap_or(0);
        if period < 10
            || (period >= 60 && period % 60 != 0)
            || (period < 60 && ![10, 20, 30].contains(&period))
        {
            scope.prop_error(
                id,
                format!(
                    "alarm period {} is not one CloudWatch accepts",
                    self.period.human()
                ),
                "use 10, 20 or 30 seconds, or a whole number of minutes",
            );
        }
        let actions = options.actions;
        scope.add(
            id,
            CfnAlarm {
                alarm_description: Some(options.description.into()),
                namespace: Some(self.namespace.as_str().into()),
                metric_name: Some(self.name.as_str().into()),
                dimensions: (!self.dimensions.is_empty()).then(|| {
                    self.dimensions
                        .iter()
                        .map(|(name, value)| alarm::Dimension::new(name.as_str(), value.clone()))
                        .collect::<Vec<_>>()
                        .into()
                }),
                statistic: Some(self.statistic.name().into()),
                period: Some(period.into()),
                evaluation_periods: Some(options.evaluation_periods.into()),
                datapoints_to_alarm: options.datapoints_to_alarm.map(Into::into),
                threshold: Some(options.threshold.into()),
                comparison_operator: Some(options.comparison.name().into()),
                treat_missing_data: Some(options.missing_data.name().into()),
                alarm_actions: (!actions.is_empty()).then(|| actions.into()),
                ..Default::default()
            },
        )
    }
}
