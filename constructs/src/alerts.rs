//! [`PlatformAlerts`]: the platform's alert topic and the alarms that matter for an
//! event-sourced system on Aurora: the services' error lines, and the event store's CPU,
//! memory, local storage and, above all, its logical replication (a stalled stream keeps
//! WAL on disk until the disk is full; the seed tells users to watch replication lag, and
//! watched nothing on the database).
//!
//! Every alarm's description says what it means and what to do. Other constructs' metrics
//! (`metric_*()`) go through [`PlatformAlerts::add_alarm`] to reach the same topic.

use crate::aurora::AuroraEventStore;
use crate::cloudwatch::{AlarmOptions, Comparison, Metric, MissingData};
use crate::ecs_patterns::ServiceMetrics;
use crate::logs::count_matching_lines;
use crate::sns::{Topic, TopicProps};
use escdk_synth::cfn::cloudwatch::CfnAlarm;
use escdk_synth::{Expr, Handle, Scope, Size, Value};

/// When the event store's alarms fire.
#[derive(Debug, Clone, PartialEq)]
pub struct EventStoreThresholds {
    /// Average CPU over 15 minutes, in percent.
    pub cpu_percent: f64,
    /// Freeable memory below this for 15 minutes.
    pub freeable_memory: Size,
    /// Free local storage below this.
    pub free_local_storage: Size,
    /// WAL not yet consumed by the slowest replication slot, for 15 minutes.
    pub replication_slot_lag: Size,
    /// WAL kept on disk.
    pub transaction_logs: Size,
}

impl Default for EventStoreThresholds {
    fn default() -> Self {
        EventStoreThresholds {
            cpu_percent: 80.0,
            freeable_memory: Size::mebibytes(512),
            free_local_storage: Size::gibibytes(4),
            replication_slot_lag: Size::gibibytes(1),
            transaction_logs: Size::gibibytes(5),
        }
    }
}

/// When a load-balanced service's alarms fire.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceThresholds {
    /// Targets' 5xx answers in 5 minutes.
    pub target_5xx: f64,
    /// Average CPU over 15 minutes, in percent of the tasks' reservation.
    pub cpu_percent: f64,
    /// Average memory over 15 minutes, in percent of the tasks' reservation.
    pub memory_percent: f64,
}

impl Default for ServiceThresholds {
    fn default() -> Self {
        ServiceThresholds {
            target_5xx: 5.0,
            cpu_percent: 80.0,
            memory_percent: 80.0,
        }
    }
}

/// Properties of [`PlatformAlerts`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlatformAlertsProps {
    /// The seed's `emails_for_alerts`: each address gets a subscription, which its owner
    /// confirms from the e-mail SNS sends.
    pub emails: Vec<String>,
}

/// The alert topic and its alarms.
#[derive(Debug, Clone)]
pub struct PlatformAlerts {
    pub topic: Topic,
    pub alarms: Vec<Handle<CfnAlarm>>,
    scope: Scope,
}

fn bytes(size: Size) -> f64 {
    (size.to_mebibytes() * 1024 * 1024) as f64
}

impl PlatformAlerts {
    pub fn new(scope: &Scope, id: &str, props: PlatformAlertsProps) -> PlatformAlerts {
        let scope = scope.child(id);
        let topic = Topic::new(
            &scope,
            "Topic",
            TopicProps {
                emails: props.emails,
                ..TopicProps::new("cloudwatch.amazonaws.com")
            },
        );
        PlatformAlerts {
            topic,
            alarms: Vec::new(),
            scope,
        }
    }

    /// The topic's ARN, for alarms made elsewhere.
    pub fn topic_arn(&self) -> Expr {
        self.topic.arn()
    }

    /// An alarm on `metric` at `<alerts>/<id>` that tells the topic.
    pub fn add_alarm(
        &mut self,
        id: &str,
        metric: &Metric,
        options: AlarmOptions,
    ) -> Handle<CfnAlarm> {
        let alarm = metric.alarm(&self.scope, id, options.notify(&[self.topic.arn()]));
        self.alarms.push(alarm.clone());
        alarm
    }

    /// Error lines in a service's log group: a metric filter (`pattern`, e.g.
    /// [`crate::logs::ERROR_PATTERN`]) and an alarm on one line in a minute, as the seed.
    pub fn watch_log_errors(
        &mut self,
        id: &str,
        log_group_name: impl Into<Value<String>>,
        pattern: &str,
    ) -> Handle<CfnAlarm> {
        let namespace = self.scope.stack().name().to_string();
        let (_, metric) = count_matching_lines(
            &self.scope,
            &format!("{id}ErrorLines"),
            log_group_name,
            pattern,
            &namespace,
            &format!("{id}ErrorLines"),
        );
        self.add_alarm(
            &format!("{id}Errors"),
            &metric,
            AlarmOptions::new(
                format!("{id} logged an error line. Read the service's log group around the alarm's time; the line says what failed."),
                0.0,
            )
            .comparison(Comparison::GreaterThan),
        )
    }

    /// The event store's alarms, on every instance (the writer can change on failover).
    pub fn watch_event_store(&mut self, store: &AuroraEventStore, t: &EventStoreThresholds) {
        for (i, instance) in store.instances.iter().enumerate() {
            let n = i + 1;
            let over_15_minutes = |o: AlarmOptions| o.over(3, 3);
            self.add_alarm(
                &format!("EventStoreInstance{n}Cpu"),
                &store.metric_cpu_utilization(instance),
                over_15_minutes(AlarmOptions::new(
                    format!("Event store instance {n}: CPU above {}% for 15 minutes. Look for slow queries in Performance Insights; scale the instance class if the load is real.", t.cpu_percent),
                    t.cpu_percent,
                )),
            );
            self.add_alarm(
                &format!("EventStoreInstance{n}FreeableMemory"),
                &store.metric_freeable_memory(instance),
                over_15_minutes(
                    AlarmOptions::new(
                        format!("Event store instance {n}: less than {} MiB of freeable memory for 15 minutes. Check connection counts and work_mem; scale the instance class.", t.freeable_memory.to_mebibytes()),
                        bytes(t.freeable_memory),
                    )
                    .comparison(Comparison::LessThan),
                ),
            );
            self.add_alarm(
                &format!("EventStoreInstance{n}FreeLocalStorage"),
                &store.metric_free_local_storage(instance),
                AlarmOptions::new(
                    format!("Event store instance {n}: less than {} MiB of local storage left (temporary files, logs, WAL of a stalled slot). Check the replication slot lag alarm first.", t.free_local_storage.to_mebibytes()),
                    bytes(t.free_local_storage),
                )
                .comparison(Comparison::LessThan),
            );
            self.add_alarm(
                &format!("EventStoreInstance{n}ReplicationSlotLag"),
                &store.metric_oldest_replication_slot_lag(instance),
                over_15_minutes(AlarmOptions::new(
                    format!("Event store instance {n}: a logical replication slot is more than {} MiB behind for 15 minutes: the stream to the projections has stalled. Check the Ambar data source and the endpoints it delivers to; a slot nobody reads must be dropped before WAL fills the disk.", t.replication_slot_lag.to_mebibytes()),
                    bytes(t.replication_slot_lag),
                )),
            );
            self.add_alarm(
                &format!("EventStoreInstance{n}TransactionLogs"),
                &store.metric_transaction_logs_disk_usage(instance),
                AlarmOptions::new(
                    format!("Event store instance {n}: more than {} MiB of WAL kept on disk, usually behind a stalled replication slot. Find it in pg_replication_slots and get its consumer going, or drop it.", t.transaction_logs.to_mebibytes()),
                    bytes(t.transaction_logs),
                ),
            );
        }
    }

    /// A load-balanced service's alarms: targets' 5xx answers (application load balancers),
    /// any unhealthy target for 2 of 3 minutes, CPU and memory, and its error lines.
    pub fn watch_service(&mut self, id: &str, m: &ServiceMetrics, t: &ServiceThresholds) {
        if let Some(errors) = &m.target_5xx {
            self.add_alarm(
                &format!("{id}Target5xx"),
                errors,
                AlarmOptions::new(
                    format!("{id}: more than {} answers with a 5xx status in 5 minutes. Read the service's log group around the alarm's time.", t.target_5xx),
                    t.target_5xx,
                ),
            );
        }
        self.add_alarm(
            &format!("{id}UnhealthyTargets"),
            &m.unhealthy_hosts.clone().period(escdk_synth::Duration::minutes(1)),
            AlarmOptions::new(
                format!("{id}: a task fails the load balancer's health checks. Check the service's events (ECS console) and its log group; a deployment rolls back on its own when its tasks never get healthy."),
                0.0,
            )
            .comparison(Comparison::GreaterThan)
            .over(2, 3)
            .missing_data(MissingData::NotBreaching),
        );
        self.add_alarm(
            &format!("{id}Cpu"),
            &m.cpu,
            AlarmOptions::new(
                format!("{id}: CPU above {}% of the tasks' reservation for 15 minutes. Raise the service's CPU or desired count if the load is real.", t.cpu_percent),
                t.cpu_percent,
            )
            .over(3, 3),
        );
        self.add_alarm(
            &format!("{id}Memory"),
            &m.memory,
            AlarmOptions::new(
                format!("{id}: memory above {}% of the tasks' reservation for 15 minutes; at 100% ECS stops the task. Raise the service's memory, or look for a leak.", t.memory_percent),
                t.memory_percent,
            )
            .over(3, 3),
        );
        self.watch_log_errors(id, m.log_group_name.clone(), crate::logs::ERROR_PATTERN);
    }
}
