//! A DynamoDB stream as a function's event source: the event source mapping, with the
//! stream permissions the function needs (the CQRS recipe forgot them).

use super::function::Function;
use crate::dynamodb::Table;
use crate::sqs::Queue;
use escdk_synth::cfn::lambda::{event_source_mapping as esm, CfnEventSourceMapping};
use escdk_synth::{Handle, Scope};

/// Where in the stream a new mapping starts reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StartingPosition {
    /// The oldest record still in the stream (24 hours back).
    #[default]
    TrimHorizon,
    /// Only records written after the mapping is created.
    Latest,
}

/// Properties of a stream event source.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamSourceProps {
    pub starting_position: StartingPosition,
    /// 1 to 10,000 records per invocation (100 by default).
    pub batch_size: u32,
    /// Retries of a failing batch before it goes to `on_failure` (3 by default; -1 retries
    /// until the records expire).
    pub maximum_retry_attempts: i32,
    /// Split a failing batch in two to isolate the bad record (on by default).
    pub bisect_batch_on_error: bool,
    /// Only `INSERT` records (on by default: an event store is append-only, so modifications
    /// and removals are not events).
    pub inserts_only: bool,
}

impl Default for StreamSourceProps {
    fn default() -> Self {
        StreamSourceProps {
            starting_position: StartingPosition::TrimHorizon,
            batch_size: 100,
            maximum_retry_attempts: 3,
            bisect_batch_on_error: true,
            inserts_only: true,
        }
    }
}

impl Function {
    /// Invokes this function with batches from `table`'s stream. The function reports
    /// partial batch failures (`ReportBatchItemFailures`), and records that still fail after
    /// the retries are described in `on_failure`. Grants the stream read permissions (and
    /// send on the queue). A table without a stream is an error at synth.
    pub fn add_dynamodb_stream_source(
        &self,
        scope: &Scope,
        id: &str,
        table: &Table,
        on_failure: Option<&Queue>,
        props: StreamSourceProps,
    ) -> Option<Handle<CfnEventSourceMapping>> {
        let Some(stream_arn) = table.stream_arn() else {
            scope.error(
                format!("`{}` has no stream to read from", table.handle.path()),
                "give the table a stream (EventStoreProps::stream or TableProps::stream)",
            );
            return None;
        };
        if !(1..=10_000).contains(&props.batch_size) {
            scope.prop_error(
                "BatchSize",
                format!("batch size {} is outside 1 to 10000", props.batch_size),
                "choose a batch size from 1 to 10000",
            );
        }
        if !(-1..=10_000).contains(&props.maximum_retry_attempts) {
            scope.prop_error(
                "MaximumRetryAttempts",
                format!(
                    "{} retries is outside -1 to 10000",
                    props.maximum_retry_attempts
                ),
                "choose -1 (until the records expire) or 0 to 10000",
            );
        }
        table.grant_stream_read(&self.role);
        if let Some(q) = on_failure {
            q.grant_send_messages(&self.role);
        }
        let handle = scope.add(
            id,
            CfnEventSourceMapping {
                event_source_arn: Some(stream_arn.into()),
                starting_position: Some(
                    match props.starting_position {
                        StartingPosition::TrimHorizon => "TRIM_HORIZON",
                        StartingPosition::Latest => "LATEST",
                    }
                    .into(),
                ),
                batch_size: Some(i64::from(props.batch_size).into()),
                maximum_retry_attempts: Some(i64::from(props.maximum_retry_attempts).into()),
                bisect_batch_on_function_error: Some(props.bisect_batch_on_error.into()),
                function_response_types: Some(vec!["ReportBatchItemFailures"].into()),
                filter_criteria: props.inserts_only.then(|| esm::FilterCriteria {
                    filters: Some(
                        vec![esm::Filter {
                            pattern: Some(r#"{"eventName":["INSERT"]}"#.into()),
                        }]
                        .into(),
                    ),
                }),
                destination_config: on_failure.map(|q| esm::DestinationConfig {
                    on_failure: Some(esm::OnFailure {
                        destination: Some(q.arn().into()),
                    }),
                }),
                ..CfnEventSourceMapping::new(self.arn())
            },
        );
        // The mapping checks the role's stream permissions when it is created: they are in
        // the role's inline policy, and `FunctionName`'s GetAtt already orders the function
        // (hence the role) first.
        Some(handle)
    }
}
