//! The event store's metrics, per instance (`AWS/RDS`, `DBInstanceIdentifier`): an alarm on
//! each instance keeps watching the writer after a failover.

use super::AuroraEventStore;
use crate::cloudwatch::{Metric, Statistic};
use escdk_synth::cfn::rds::CfnDBInstance;
use escdk_synth::Handle;

fn instance_metric(instance: &Handle<CfnDBInstance>, name: &str, statistic: Statistic) -> Metric {
    Metric::new("AWS/RDS", name)
        .dimension("DBInstanceIdentifier", instance.reference())
        .statistic(statistic)
}

impl AuroraEventStore {
    /// `CPUUtilization` in percent (Average).
    pub fn metric_cpu_utilization(&self, instance: &Handle<CfnDBInstance>) -> Metric {
        instance_metric(instance, "CPUUtilization", Statistic::Average)
    }

    /// `FreeableMemory` in bytes (Minimum).
    pub fn metric_freeable_memory(&self, instance: &Handle<CfnDBInstance>) -> Metric {
        instance_metric(instance, "FreeableMemory", Statistic::Minimum)
    }

    /// `FreeLocalStorage` in bytes (Minimum): temporary tables, sorts and logs live here.
    pub fn metric_free_local_storage(&self, instance: &Handle<CfnDBInstance>) -> Metric {
        instance_metric(instance, "FreeLocalStorage", Statistic::Minimum)
    }

    /// `OldestReplicationSlotLag` in bytes (Maximum): how much WAL the slowest logical
    /// replication slot (the stream to Ambar) has not consumed yet.
    pub fn metric_oldest_replication_slot_lag(&self, instance: &Handle<CfnDBInstance>) -> Metric {
        instance_metric(instance, "OldestReplicationSlotLag", Statistic::Maximum)
    }

    /// `TransactionLogsDiskUsage` in bytes (Maximum): WAL kept on disk, which a stalled
    /// slot makes grow until the disk is full.
    pub fn metric_transaction_logs_disk_usage(&self, instance: &Handle<CfnDBInstance>) -> Metric {
        instance_metric(instance, "TransactionLogsDiskUsage", Statistic::Maximum)
    }
}
