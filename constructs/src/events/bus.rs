//! The custom event bus and its archive.

use super::pattern::EventPattern;
use crate::iam::{Grant, Grantee, PolicyStatement};
use crate::removal::RemovalPolicy;
use escdk_synth::cfn::events::{CfnArchive, CfnEventBus};
use escdk_synth::{fns, Duration, Expr, Handle, Json, Pseudo, Scope};

/// The archive of a bus, from which events can be replayed.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveProps {
    /// Days to keep archived events (365 by default; 0 keeps them forever).
    /// How long the archive keeps events, in whole days (365 by default).
    pub retention: Duration,
    /// Which events to archive (all events on the bus when `None`).
    pub pattern: Option<EventPattern>,
    pub description: Option<String>,
    /// The archive is the source of replays: kept when the stack is deleted, by default
    /// (as the event store is).
    pub removal_policy: RemovalPolicy,
}

impl Default for ArchiveProps {
    fn default() -> Self {
        ArchiveProps {
            retention: Duration::days(365),
            pattern: None,
            description: Some("Archive for event replay and audit".into()),
            removal_policy: RemovalPolicy::RetainOnUpdateOrDelete,
        }
    }
}

/// Properties of an [`EventBus`].
#[derive(Debug, Clone, PartialEq)]
pub struct EventBusProps {
    /// Bus name; `<StackName>-<construct path>` by default (unique in the account and
    /// region as long as stack names are).
    pub name: Option<String>,
    pub description: Option<String>,
    /// `Some` by default: an event-sourced system keeps its events replayable.
    pub archive: Option<ArchiveProps>,
}

impl Default for EventBusProps {
    fn default() -> Self {
        EventBusProps {
            name: None,
            description: None,
            archive: Some(ArchiveProps::default()),
        }
    }
}

/// A custom EventBridge bus.
#[derive(Debug, Clone)]
pub struct EventBus {
    pub handle: Handle<CfnEventBus>,
    pub archive: Option<Handle<CfnArchive>>,
}

impl EventBus {
    pub fn new(scope: &Scope, id: &str, props: EventBusProps) -> EventBus {
        let scope = scope.child(id);
        let name = props.name.unwrap_or_else(|| scope.physical_name(256));
        let handle = scope.add(
            "Resource",
            CfnEventBus {
                description: props.description.map(Into::into),
                ..CfnEventBus::new(name)
            },
        );
        let archive = props.archive.map(|a| {
            if let Some(p) = &a.pattern {
                p.check(&scope, "Archive.EventPattern");
            }
            // Named from the construct path and the stack's id (48 characters at most: a
            // name CloudFormation generates may exceed the limit). The last group of the
            // stack id's UUID (12 random hex digits) changes when the stack is created
            // again, so a retained archive never blocks the new one; the bus keeps its
            // name, so the old archive still replays into it.
            let stack_uuid = fns::select(2, fns::split("/", Pseudo::StackId));
            let archive_name = fns::join(
                "-",
                vec![
                    Json::from(scope.child_physical_name("Archive", 35)),
                    fns::select(4, fns::split("-", stack_uuid)).into(),
                ],
            );
            let archive = scope.add(
                "Archive",
                CfnArchive {
                    archive_name: Some(archive_name.into()),
                    description: a.description.map(Into::into),
                    retention_days: Some(
                        a.retention
                            .days_in(&scope, "Archive.RetentionDays", 1..=36_500)
                            .into(),
                    ),
                    // A JSON string: equally valid on AWS, and what local stand-ins accept.
                    event_pattern: a.pattern.map(|p| p.to_value().to_string().into()),
                    ..CfnArchive::new(handle.attr_arn())
                },
            );
            a.removal_policy.apply(scope.stack(), &archive);
            archive
        });
        EventBus { handle, archive }
    }

    /// The bus name (`GetAtt Name`).
    pub fn name(&self) -> Expr {
        self.handle.attr_name()
    }

    /// The bus ARN.
    pub fn arn(&self) -> Expr {
        self.handle.attr_arn()
    }

    /// The archive ARN (the source of a replay), when the bus has an archive.
    pub fn archive_arn(&self) -> Option<Expr> {
        self.archive.as_ref().map(|a| a.attr_arn())
    }

    /// `events:PutEvents` on this bus only.
    pub fn grant_put_events(&self, grantee: &impl Grantee) -> Grant {
        Grant::add(
            grantee,
            vec![PolicyStatement::allow(["events:PutEvents"], [self.arn()])],
        )
    }
}
