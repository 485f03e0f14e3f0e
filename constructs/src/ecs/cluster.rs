//! [`Cluster`]: where services run, with Container Insights on.

use escdk_synth::cfn::ecs::{cluster, CfnCluster};
use escdk_synth::{Expr, Handle, Scope};

/// An ECS cluster for Fargate services.
#[derive(Debug, Clone)]
pub struct Cluster {
    pub handle: Handle<CfnCluster>,
}

impl Cluster {
    /// A cluster with Container Insights (per-task CPU, memory and network metrics).
    pub fn new(scope: &Scope, id: &str) -> Cluster {
        let handle = scope.add(
            id,
            CfnCluster {
                cluster_settings: Some(
                    vec![cluster::ClusterSettings {
                        name: Some("containerInsights".into()),
                        value: Some("enabled".into()),
                    }]
                    .into(),
                ),
                ..Default::default()
            },
        );
        Cluster { handle }
    }

    /// The cluster's name (its `Ref`).
    pub fn name(&self) -> Expr {
        self.handle.reference()
    }

    pub fn arn(&self) -> Expr {
        self.handle.attr_arn()
    }
}
