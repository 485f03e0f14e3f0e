//! `Projection`: a function that maintains a read model from events on a bus, with the rule
//! that routes them to it, its grants, and dead-lettering of what fails.

use crate::events::{EventBus, EventPattern, RetryPolicy, Rule, RuleProps};
use crate::lambda::{Function, FunctionProps};
use crate::read_model::ReadModel;
use crate::sqs::Queue;
use escdk_synth::Scope;

/// Properties of a [`Projection`].
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionProps {
    pub function: FunctionProps,
    /// The events to route here: the source and detail-types their publisher uses.
    pub pattern: EventPattern,
    pub retry: RetryPolicy,
    /// Retries of a failed asynchronous invocation before it goes to the dead-letter queue
    /// (0 to 2; 2 by default).
    pub invocation_retries: u32,
}

impl ProjectionProps {
    pub fn new(function: FunctionProps, pattern: EventPattern) -> Self {
        ProjectionProps {
            function,
            pattern,
            retry: RetryPolicy::default(),
            invocation_retries: 2,
        }
    }
}

/// A projection function, wired: it reads and writes its read models, its rule invokes it,
/// and events it cannot deliver or process go to the dead-letter queue.
#[derive(Debug, Clone)]
pub struct Projection {
    pub function: Function,
    pub rule: Rule,
}

impl Projection {
    /// `read_models` are granted what a projection does (read an item, write it
    /// conditionally); `READ_MODEL_TABLE` (the first) and
    /// `READ_MODEL_TABLES` (all, comma-separated) are set in the function's environment.
    pub fn new(
        scope: &Scope,
        id: &str,
        bus: &EventBus,
        read_models: &[&ReadModel],
        dead_letter_queue: &Queue,
        props: ProjectionProps,
    ) -> Projection {
        let scope = scope.child(id);
        if read_models.is_empty() {
            scope.error(
                "a projection needs at least one read model",
                "pass the read models it maintains",
            );
        }
        if props.invocation_retries > 2 {
            scope.prop_error(
                "InvocationRetries",
                format!(
                    "{} retries: Lambda retries an asynchronous invocation at most 2 times",
                    props.invocation_retries
                ),
                "choose 0, 1 or 2",
            );
        }
        let mut function_props = props.function;
        if let Some(first) = read_models.first() {
            function_props
                .environment
                .push(("READ_MODEL_TABLE".into(), first.name().into()));
        }
        if read_models.len() > 1 {
            let names: Vec<escdk_synth::Json> =
                read_models.iter().map(|m| m.name().into()).collect();
            function_props.environment.push((
                "READ_MODEL_TABLES".into(),
                escdk_synth::fns::join(",", names).into(),
            ));
        }
        let function = Function::new(&scope, "Function", function_props);
        for model in read_models {
            model.grant_project(&function.role);
        }
        function.send_failures_to(dead_letter_queue, props.invocation_retries.min(2));
        let rule = Rule::new(
            &scope,
            "Rule",
            bus,
            RuleProps {
                name: None,
                description: Some(format!("Routes events to the {id} projection")),
                pattern: props.pattern,
            },
        );
        rule.add_lambda_target(&function, Some(dead_letter_queue), props.retry);
        Projection { function, rule }
    }
}
