//! [`ServiceMetrics`]: what to watch on a load-balanced service.

use crate::cloudwatch::Metric;
use escdk_synth::Expr;

/// A load-balanced service's metrics, for [`crate::alerts::PlatformAlerts::watch_service`].
#[derive(Debug, Clone)]
pub struct ServiceMetrics {
    /// Targets' 5xx answers (application load balancers only).
    pub target_5xx: Option<Metric>,
    pub unhealthy_hosts: Metric,
    pub cpu: Metric,
    pub memory: Metric,
    /// The container's log group.
    pub log_group_name: Expr,
}
