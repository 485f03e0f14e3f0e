//! [`FargateService`]: one container on Fargate, in the VPC's private subnets.

use super::image::ContainerImage;
use super::size::{self, Cpu};
use super::{perms, Cluster};
use crate::cloudwatch::{Metric, Statistic};
use crate::ec2::{SecurityGroup, SecurityGroupProps, Vpc};
use crate::env::EnvValue;
use crate::iam::{Grant, Grantee, PolicyStatement, Role, RoleProps};
use crate::removal::RemovalPolicy;
use escdk_synth::cfn::ecs::{service, task_definition, CfnService, CfnTaskDefinition};
use escdk_synth::cfn::logs::CfnLogGroup;
use escdk_synth::{Duration, Expr, Handle, Map, Pseudo, RetentionDays, Scope, Size, Value};
use std::cell::RefCell;
use std::rc::Rc;

/// The container's name in the task definition.
pub const CONTAINER_NAME: &str = "app";

/// The processor the image is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CpuArchitecture {
    #[default]
    X86_64,
    Arm64,
}

/// Properties of a [`FargateService`].
#[derive(Debug, Clone)]
pub struct FargateServiceProps {
    pub image: ContainerImage,
    /// The port the container listens on (1 to 65535).
    pub container_port: u16,
    /// 256 CPU units by default; with `memory`, one of Fargate's pairs.
    pub cpu: Cpu,
    /// 512 MiB by default.
    pub memory: Size,
    pub cpu_architecture: CpuArchitecture,
    /// Tasks kept running (1 by default).
    pub desired_count: u32,
    /// Variables: plain values go to `Environment`, secret references to `Secrets`.
    pub environment: Vec<(String, EnvValue)>,
    /// More groups the tasks join (e.g. the one the event store admits).
    pub security_groups: Vec<SecurityGroup>,
    /// Days the container's output is kept (90 by default, as the seed).
    pub log_retention: RetentionDays,
    /// The log group is retained by default.
    pub log_removal_policy: RemovalPolicy,
    /// Time a new task has before load balancer health checks count (60 s by default).
    pub health_check_grace_period: Duration,
}

impl FargateServiceProps {
    /// A service running `image` on `container_port`, with the defaults.
    pub fn new(image: ContainerImage, container_port: u16) -> Self {
        FargateServiceProps {
            image,
            container_port,
            cpu: Cpu::units(256),
            memory: Size::mebibytes(512),
            cpu_architecture: CpuArchitecture::X86_64,
            desired_count: 1,
            environment: Vec::new(),
            security_groups: Vec::new(),
            log_retention: RetentionDays::ThreeMonths,
            log_removal_policy: RemovalPolicy::RetainOnUpdateOrDelete,
            health_check_grace_period: Duration::seconds(60),
        }
    }
}

/// Where a load balancer sends the service's traffic: its target group, the listener that
/// must exist before the service, and the load balancer's security group (admitted on the
/// container port, and allowed out to it).
#[derive(Debug, Clone)]
pub struct LoadBalancerTarget<L> {
    pub target_group_arn: Expr,
    pub listener: Handle<L>,
    pub security_group: SecurityGroup,
}

/// A Fargate service of one container.
#[derive(Debug, Clone)]
pub struct FargateService {
    pub service: Handle<CfnService>,
    pub task_definition: Handle<CfnTaskDefinition>,
    pub log_group: Handle<CfnLogGroup>,
    /// What the container may do: only what grants add.
    pub task_role: Role,
    /// What ECS may do to start it: pull its image, write its logs, read its secrets.
    pub execution_role: Role,
    /// The tasks' own group: it admits the load balancer only.
    pub security_group: SecurityGroup,
    pub container_port: u16,
    cluster_name: Expr,
    /// Set on the service when it is attached to a load balancer (ECS refuses it before).
    grace_seconds: u64,
    scope: Scope,
    environment: Rc<RefCell<Vec<(String, EnvValue)>>>,
}

impl FargateService {
    pub fn new(
        scope: &Scope,
        id: &str,
        cluster: &Cluster,
        vpc: &Vpc,
        props: FargateServiceProps,
    ) -> FargateService {
        let scope = scope.child(id);
        size::check(&scope, props.cpu, props.memory);
        if props.container_port == 0 {
            scope.prop_error(
                "ContainerPort",
                "port 0 is not a port",
                "give the port the container listens on, 1 to 65535",
            );
        }
        let image = props.image.uri(&scope);
        let execution_role = Role::new(
            &scope,
            "ExecutionRole",
            RoleProps::new(
                "ecs-tasks.amazonaws.com",
                "Starts the service's tasks: pulls its image, writes its logs, reads its secrets",
            ),
        );
        let log_group = crate::logs::log_group(
            &scope,
            "LogGroup",
            props.log_retention,
            props.log_removal_policy,
            &execution_role,
        );
        if let ContainerImage::Repository { repository, .. } = &props.image {
            repository.grant_pull(&execution_role);
        }
        let task_role = Role::new(
            &scope,
            "TaskRole",
            RoleProps::new(
                "ecs-tasks.amazonaws.com",
                "The service's containers: only the grants of what it is wired to",
            ),
        );
        let mut container = task_definition::ContainerDefinition {
            essential: Some(true.into()),
            port_mappings: Some(
                vec![task_definition::PortMapping {
                    container_port: Some(i64::from(props.container_port).into()),
                    protocol: Some("tcp".into()),
                    ..Default::default()
                }]
                .into(),
            ),
            log_configuration: Some(task_definition::LogConfiguration::new("awslogs")),
            ..task_definition::ContainerDefinition::new(image, CONTAINER_NAME)
        };
        if let Some(log) = container.log_configuration.as_mut() {
            let mut options: Map<Value<String>> = Map::new();
            options.insert("awslogs-group".into(), log_group.reference().into());
            options.insert("awslogs-region".into(), Pseudo::Region.into());
            options.insert("awslogs-stream-prefix".into(), "service".into());
            log.options = Some(options.into());
        }
        let cpu_architecture = match props.cpu_architecture {
            CpuArchitecture::X86_64 => "X86_64",
            CpuArchitecture::Arm64 => "ARM64",
        };
        let task_definition = scope.add(
            "TaskDefinition",
            CfnTaskDefinition {
                container_definitions: Some(vec![container].into()),
                cpu: Some(props.cpu.to_units().to_string().into()),
                memory: Some(props.memory.to_mebibytes().to_string().into()),
                network_mode: Some("awsvpc".into()),
                requires_compatibilities: Some(vec![Value::from("FARGATE")].into()),
                runtime_platform: Some(task_definition::RuntimePlatform {
                    cpu_architecture: Some(cpu_architecture.into()),
                    operating_system_family: Some("LINUX".into()),
                }),
                execution_role_arn: Some(execution_role.arn().into()),
                task_role_arn: Some(task_role.arn().into()),
                ..Default::default()
            },
        );
        let security_group = SecurityGroup::new(
            &scope,
            "SecurityGroup",
            vpc,
            SecurityGroupProps::new("Service tasks: admits their load balancer only"),
        );
        let mut groups: Vec<Value<String>> = vec![security_group.id().into()];
        groups.extend(props.security_groups.iter().map(|g| g.id().into()));
        let subnets: Vec<Value<String>> = vpc
            .private_subnets
            .iter()
            .map(|s| s.reference().into())
            .collect();
        let service = scope.add(
            "Service",
            CfnService {
                cluster: Some(cluster.name().into()),
                task_definition: Some(task_definition.reference().into()),
                launch_type: Some("FARGATE".into()),
                desired_count: Some(i64::from(props.desired_count).into()),
                network_configuration: Some(service::NetworkConfiguration {
                    awsvpc_configuration: Some(service::AwsVpcConfiguration {
                        assign_public_ip: Some("DISABLED".into()),
                        security_groups: Some(groups.into()),
                        subnets: Some(subnets.into()),
                    }),
                }),
                deployment_configuration: Some(service::DeploymentConfiguration {
                    deployment_circuit_breaker: Some(service::DeploymentCircuitBreaker::new(
                        true, true,
                    )),
                    maximum_percent: Some(200.into()),
                    minimum_healthy_percent: Some(100.into()),
                    ..Default::default()
                }),
                propagate_tags: Some("SERVICE".into()),
                enable_ecs_managed_tags: Some(true.into()),
                ..Default::default()
            },
        );
        let grace = props.health_check_grace_period.seconds_in(
            &scope,
            "HealthCheckGracePeriodSeconds",
            0..=2_147_483_647,
        );
        let fargate = FargateService {
            service,
            task_definition,
            log_group,
            task_role,
            execution_role,
            security_group,
            container_port: props.container_port,
            cluster_name: cluster.name(),
            grace_seconds: grace,
            scope,
            environment: Rc::default(),
        };
        fargate.add_environment(props.environment);
        fargate
    }

    /// Puts the service behind a load balancer's target group: the tasks' group admits
    /// the balancer's group on the container port, the balancer's group may reach them on
    /// it, and the service waits for the listener (ECS refuses a target group that no
    /// listener uses yet).
    pub fn attach<L>(&self, target: &LoadBalancerTarget<L>) {
        let port = self.container_port;
        self.security_group.allow_from(
            &target.security_group,
            port,
            "From the load balancer to the container port",
        );
        target
            .security_group
            .allow_to(&self.security_group, port, "To the service's tasks");
        let stack = self.scope.stack();
        stack.update(&self.service, |s| {
            let mut lbs = s
                .load_balancers
                .take()
                .and_then(|l| l.literal().cloned())
                .unwrap_or_default();
            lbs.push(service::LoadBalancer {
                container_name: Some(CONTAINER_NAME.into()),
                container_port: Some(i64::from(port).into()),
                target_group_arn: Some(target.target_group_arn.clone().into()),
                ..Default::default()
            });
            s.load_balancers = Some(lbs.into());
            s.health_check_grace_period_seconds = Some(self.grace_seconds.into());
        });
        stack.add_dependency(&self.service, &target.listener);
    }

    /// Adds variables to the container, in one call: plain values to `Environment`, secret
    /// references to `Secrets` (and the execution role may read each such secret). A name
    /// given twice is a synth error.
    pub fn add_environment(&self, vars: Vec<(String, EnvValue)>) {
        {
            let mut all = self.environment.borrow_mut();
            for (name, value) in vars {
                if !valid_variable_name(&name) {
                    self.scope.prop_error(
                        "Environment",
                        format!("`{name}` is not a variable name a shell can read"),
                        "use letters, digits and `_`, not starting with a digit",
                    );
                }
                if all.iter().any(|(n, _)| *n == name) {
                    self.scope.prop_error(
                        "Environment",
                        format!("the variable `{name}` is given twice"),
                        "give each variable once (two constructs may hand over the same name: rename one with a prefix)",
                    );
                    continue;
                }
                if let EnvValue::Secret { arn, kms_key, .. } = &value {
                    for statement in
                        crate::secrets::read_statements(vec![arn.clone()], kms_key.clone())
                    {
                        self.execution_role.add_to_policy(statement);
                    }
                }
                all.push((name, value));
            }
        }
        let all = self.environment.borrow().clone();
        let plain: Vec<task_definition::KeyValuePair> = all
            .iter()
            .filter_map(|(name, v)| match v {
                EnvValue::Value(value) => Some(task_definition::KeyValuePair {
                    name: Some(name.as_str().into()),
                    value: Some(value.clone()),
                }),
                EnvValue::Secret { .. } => None,
            })
            .collect();
        let secrets: Vec<task_definition::Secret> = all
            .iter()
            .filter_map(|(name, v)| {
                v.value_from()
                    .map(|from| task_definition::Secret::new(name.as_str(), from))
            })
            .collect();
        self.scope.stack().update(&self.task_definition, |t| {
            if let Some(Value::Lit(containers)) = t.container_definitions.as_mut() {
                for c in containers.iter_mut() {
                    c.environment = (!plain.is_empty()).then(|| plain.clone().into());
                    c.secrets = (!secrets.is_empty()).then(|| secrets.clone().into());
                }
            }
        });
    }

    /// The variables given so far, in order.
    pub fn environment(&self) -> Vec<(String, EnvValue)> {
        self.environment.borrow().clone()
    }

    /// The service's ARN (its `Ref`).
    pub fn arn(&self) -> Expr {
        self.service.reference()
    }

    /// Lets `grantee` (a CI role) force a new deployment of this service and wait for it,
    /// and nothing on any other service.
    pub fn grant_deploy(&self, grantee: &impl Grantee) -> Grant {
        Grant::add(
            grantee,
            vec![PolicyStatement::allow(
                perms::SERVICE_DEPLOY.iter().copied(),
                [self.arn()],
            )],
        )
    }

    fn metric(&self, name: &str) -> Metric {
        Metric::new("AWS/ECS", name)
            .dimension("ClusterName", self.cluster_name.clone())
            .dimension("ServiceName", self.service.attr_name())
            .statistic(Statistic::Average)
    }

    /// Average CPU use of the service's tasks, in percent of what they reserve.
    pub fn metric_cpu_utilization(&self) -> Metric {
        self.metric("CPUUtilization")
    }

    /// Average memory use of the service's tasks, in percent of what they reserve.
    pub fn metric_memory_utilization(&self) -> Metric {
        self.metric("MemoryUtilization")
    }

    /// The log group's name, e.g. for [`crate::alerts::PlatformAlerts::watch_log_errors`].
    pub fn log_group_name(&self) -> Expr {
        self.log_group.reference()
    }
}

/// The task role: what grants such as `bucket.grant_read_write(&service)` extend.
impl Grantee for FargateService {
    fn add_to_principal_policy(&self, statement: PolicyStatement) {
        self.task_role.add_to_policy(statement);
    }
    fn principal_path(&self) -> String {
        self.task_role.principal_path()
    }
}

fn valid_variable_name(name: &str) -> bool {
    let mut cs = name.chars();
    cs.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
