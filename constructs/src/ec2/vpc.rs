//! `Vpc`: public and private subnets across availability zones (from `Fn::GetAZs`), an
//! internet gateway, NAT gateways (one, or one per zone), route tables, an S3 gateway
//! endpoint, and flow logs to an encrypted log group that is kept when the stack goes.

use super::cidr::Cidr;
use crate::iam::{PolicyStatement, Role, RoleProps};
use crate::kms;
use crate::removal::RemovalPolicy;
use escdk_synth::cfn::ec2::{
    CfnEIP, CfnFlowLog, CfnInternetGateway, CfnNatGateway, CfnRoute, CfnRouteTable, CfnSubnet,
    CfnSubnetRouteTableAssociation, CfnVPC, CfnVPCEndpoint, CfnVPCGatewayAttachment,
};
use escdk_synth::cfn::logs::CfnLogGroup;
use escdk_synth::{fns, Expr, Handle, RetentionDays, Scope};

/// How private subnets reach the internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NatGateways {
    /// One NAT gateway, in the first zone (cheapest; that zone is a single point of failure).
    #[default]
    One,
    /// One per zone (private subnets keep internet access when a zone fails).
    PerZone,
    /// None: private subnets have no internet access.
    None,
}

/// Which availability zones a [`Vpc`] uses.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum AvailabilityZones {
    /// The first zones of `Fn::GetAZs` in the region it is deployed to (works in an
    /// environment-agnostic stack; deploy fails in a region with fewer zones).
    #[default]
    FromRegion,
    /// The zones of the stack's account and region, from the context cache
    /// (`escdk.context.json`, key `availability-zones:account=A:region=R`): checked at
    /// synth, and the template names them. Needs a stack with an account and a region.
    Lookup,
    /// These zones (their names must start with the stack's region when it has one).
    Named(Vec<String>),
}

/// Properties of a [`Vpc`].
#[derive(Debug, Clone, PartialEq)]
pub struct VpcProps {
    /// 10.0.0.0/16 by default; /16 to /24.
    pub cidr: String,
    /// Availability zones used (3 by default), taken in order from `Fn::GetAZs`.
    pub zones: u32,
    /// Where the zones come from ([`AvailabilityZones::FromRegion`] by default).
    pub availability_zones: AvailabilityZones,
    pub nat_gateways: NatGateways,
    /// Days flow logs are kept (one of CloudWatch Logs' values; 90 by default).
    pub flow_log_retention: RetentionDays,
    /// CIDRs this VPC must not overlap (networks it will be peered or connected with).
    pub must_not_overlap: Vec<String>,
}

impl Default for VpcProps {
    fn default() -> Self {
        VpcProps {
            cidr: "10.0.0.0/16".into(),
            zones: 3,
            availability_zones: AvailabilityZones::FromRegion,
            nat_gateways: NatGateways::One,
            flow_log_retention: RetentionDays::ThreeMonths,
            must_not_overlap: Vec::new(),
        }
    }
}

/// A VPC and its subnets.
#[derive(Debug, Clone)]
pub struct Vpc {
    pub handle: Handle<CfnVPC>,
    pub public_subnets: Vec<Handle<CfnSubnet>>,
    pub private_subnets: Vec<Handle<CfnSubnet>>,
    /// The NAT gateways' Elastic IPs: the addresses the private subnets reach the internet
    /// from (what an outside service's allow-list admits).
    pub nat_eips: Vec<Handle<CfnEIP>>,
    pub cidr: Cidr,
    /// The public subnets' route to the internet gateway: what an internet-facing load
    /// balancer must wait for (CloudFormation refuses it in a VPC not yet attached).
    pub internet_route: Handle<CfnRoute>,
}

impl Vpc {
    pub fn new(scope: &Scope, id: &str, props: VpcProps) -> Vpc {
        let scope = scope.child(id);
        let cidr = match Cidr::parse(&props.cidr) {
            Ok(c) if (16..=24).contains(&c.prefix) => c,
            Ok(c) => {
                scope.prop_error(
                    "Cidr",
                    format!("{c}: a VPC block is /16 to /24"),
                    "choose a prefix from /16 to /24",
                );
                Cidr::parse("10.0.0.0/16").expect("valid")
            }
            Err(e) => {
                scope.prop_error(
                    "Cidr",
                    e.to_string(),
                    "write it as a.b.c.d/n, e.g. 10.0.0.0/16",
                );
                Cidr::parse("10.0.0.0/16").expect("valid")
            }
        };
        for other in &props.must_not_overlap {
            match Cidr::parse(other) {
                Ok(o) if o.overlaps(cidr) => scope.prop_error(
                    "Cidr",
                    format!("{cidr} overlaps {o}, a network it must not overlap"),
                    "choose a VPC block outside the networks it connects to",
                ),
                Ok(_) => {}
                Err(e) => {
                    scope.prop_error("MustNotOverlap", e.to_string(), "write it as a.b.c.d/n")
                }
            }
        }
        let zones = props.zones as usize;
        if !(1..=6).contains(&zones) {
            scope.prop_error(
                "Zones",
                format!("{zones} availability zones: a VPC spans 1 to 6 (regions have 3 or more; some have 6)"),
                "choose 1 to 6 zones (2 or more for a database)",
            );
        } else if zones > 3 {
            scope.warning(
                format!("{zones} availability zones: not every region has more than 3, and deploy fails where it has fewer"),
                "use 3 unless the target regions have more",
            );
        }
        let zones = zones.clamp(1, 6);
        // Public and private subnet per zone, all of one size: the smallest power of two that
        // holds them.
        let count = 2 * zones;
        let bits = (usize::BITS - (count - 1).leading_zeros()) as u8;
        let blocks = cidr.carve(cidr.prefix + bits, count).or_else(|| {
            scope.prop_error(
                "Cidr",
                format!("{cidr} is too small for {count} subnets of at least 16 addresses"),
                "use a larger block or fewer zones",
            );
            None
        });
        let blocks = blocks.unwrap_or_else(|| vec![cidr; count]);

        let handle = scope.add(
            "Resource",
            CfnVPC {
                cidr_block: Some(cidr.to_string().into()),
                enable_dns_hostnames: Some(true.into()),
                enable_dns_support: Some(true.into()),
                ..Default::default()
            },
        );
        let vpc_id = handle.reference();
        let igw = scope.add("InternetGateway", CfnInternetGateway::default());
        let attachment = scope.add(
            "InternetGatewayAttachment",
            CfnVPCGatewayAttachment {
                internet_gateway_id: Some(igw.reference().into()),
                ..CfnVPCGatewayAttachment::new(vpc_id.clone())
            },
        );
        let public_routes = scope.add("PublicRouteTable", CfnRouteTable::new(vpc_id.clone()));
        let default_route = scope.add(
            "PublicDefaultRoute",
            CfnRoute {
                destination_cidr_block: Some("0.0.0.0/0".into()),
                gateway_id: Some(igw.reference().into()),
                ..CfnRoute::new(public_routes.reference())
            },
        );
        scope.stack().add_dependency(&default_route, &attachment);

        let names = zone_names(&scope, &props.availability_zones, zones);
        let az = |i: usize| -> escdk_synth::Value<String> {
            match names.as_ref().and_then(|n| n.get(i)) {
                Some(name) => name.as_str().into(),
                None => fns::select(i, fns::get_azs("")).into(),
            }
        };
        let mut public_subnets = Vec::new();
        let mut private_subnets = Vec::new();
        let mut private_route_tables = Vec::new();
        let mut nats: Vec<Handle<CfnNatGateway>> = Vec::new();
        let mut nat_eips: Vec<Handle<CfnEIP>> = Vec::new();
        for i in 0..zones {
            let n = i + 1;
            let public = scope.add(
                &format!("PublicSubnet{n}"),
                CfnSubnet {
                    availability_zone: Some(az(i)),
                    cidr_block: Some(blocks[2 * i].to_string().into()),
                    map_public_ip_on_launch: Some(false.into()),
                    ..CfnSubnet::new(vpc_id.clone())
                },
            );
            scope.add(
                &format!("PublicSubnet{n}RouteTableAssociation"),
                CfnSubnetRouteTableAssociation::new(public_routes.reference(), public.reference()),
            );
            if props.nat_gateways == NatGateways::PerZone
                || (props.nat_gateways == NatGateways::One && i == 0)
            {
                let eip = scope.add(
                    &format!("NatEip{n}"),
                    CfnEIP {
                        domain: Some("vpc".into()),
                        ..Default::default()
                    },
                );
                scope.stack().add_dependency(&eip, &attachment);
                nat_eips.push(eip.clone());
                nats.push(scope.add(
                    &format!("NatGateway{n}"),
                    CfnNatGateway {
                        allocation_id: Some(eip.attr_allocation_id().into()),
                        subnet_id: Some(public.reference().into()),
                        ..Default::default()
                    },
                ));
            }
            public_subnets.push(public);

            let private = scope.add(
                &format!("PrivateSubnet{n}"),
                CfnSubnet {
                    availability_zone: Some(az(i)),
                    cidr_block: Some(blocks[2 * i + 1].to_string().into()),
                    ..CfnSubnet::new(vpc_id.clone())
                },
            );
            let routes = scope.add(
                &format!("PrivateRouteTable{n}"),
                CfnRouteTable::new(vpc_id.clone()),
            );
            scope.add(
                &format!("PrivateSubnet{n}RouteTableAssociation"),
                CfnSubnetRouteTableAssociation::new(routes.reference(), private.reference()),
            );
            private_subnets.push(private);
            private_route_tables.push(routes);
        }
        for (i, routes) in private_route_tables.iter().enumerate() {
            let nat = match props.nat_gateways {
                NatGateways::None => None,
                NatGateways::One => nats.first(),
                NatGateways::PerZone => nats.get(i),
            };
            if let Some(nat) = nat {
                scope.add(
                    &format!("PrivateDefaultRoute{}", i + 1),
                    CfnRoute {
                        destination_cidr_block: Some("0.0.0.0/0".into()),
                        nat_gateway_id: Some(nat.reference().into()),
                        ..CfnRoute::new(routes.reference())
                    },
                );
            }
        }
        let mut route_table_ids: Vec<escdk_synth::Value<String>> =
            vec![public_routes.reference().into()];
        route_table_ids.extend(private_route_tables.iter().map(|r| r.reference().into()));
        scope.add(
            "S3Endpoint",
            CfnVPCEndpoint {
                vpc_endpoint_type: Some("Gateway".into()),
                route_table_ids: Some(route_table_ids.into()),
                service_name: Some(fns::sub("com.amazonaws.${AWS::Region}.s3").into()),
                ..CfnVPCEndpoint::new(vpc_id.clone())
            },
        );
        flow_logs(&scope, &handle, props.flow_log_retention);
        Vpc {
            handle,
            public_subnets,
            private_subnets,
            nat_eips,
            cidr,
            internet_route: default_route,
        }
    }

    /// The public addresses the private subnets go out from (one per NAT gateway).
    pub fn nat_public_ips(&self) -> Vec<Expr> {
        self.nat_eips.iter().map(|e| e.attr_public_ip()).collect()
    }

    /// The VPC id (`Ref`).
    pub fn id(&self) -> Expr {
        self.handle.reference()
    }

    /// The number of availability zones it spans.
    pub fn zones(&self) -> usize {
        self.private_subnets.len()
    }
}

/// Flow logs of all traffic, to a log group encrypted with its own key and kept on delete.
/// The zones' names when they are known at synth; `None` for `Fn::GetAZs`.
fn zone_names(scope: &Scope, azs: &AvailabilityZones, count: usize) -> Option<Vec<String>> {
    let env = scope.stack().props().env;
    let names: Vec<String> = match azs {
        AvailabilityZones::FromRegion => return None,
        AvailabilityZones::Named(names) => {
            if let Some(region) = &env.region {
                for n in names.iter().filter(|n| !n.starts_with(region.as_str())) {
                    scope.prop_error(
                        "AvailabilityZones",
                        format!("zone `{n}` is not in the stack's region `{region}`"),
                        format!("name zones of {region} (such as {region}a)"),
                    );
                }
            }
            names.clone()
        }
        AvailabilityZones::Lookup => {
            let (Some(account), Some(region)) = (&env.account, &env.region) else {
                scope.prop_error(
                    "AvailabilityZones",
                    "looking up availability zones needs the stack's account and region, and this stack is environment-agnostic",
                    "give the stack an environment (StackProps { env: Environment::new(account, region), .. }), or use AvailabilityZones::FromRegion",
                );
                return None;
            };
            let key = escdk_synth::context::availability_zones_key(account, region);
            match scope.try_get_context(&key) {
                Some(serde_json::Value::Array(list)) => list
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                _ => {
                    scope.prop_error(
                        "AvailabilityZones",
                        format!("the availability zones of account {account} in {region} are not in the context cache"),
                        format!(
                            "add \"{key}\": [zone names] to {} (aws ec2 describe-availability-zones --region {region} --query 'AvailabilityZones[].ZoneName'), and commit it",
                            escdk_synth::context::CACHE_FILE
                        ),
                    );
                    return None;
                }
            }
        }
    };
    if names.len() < count {
        scope.prop_error(
            "AvailabilityZones",
            format!(
                "{count} zones are wanted and {} are known: {}",
                names.len(),
                names.join(", ")
            ),
            "use fewer zones, or name more",
        );
        return None;
    }
    Some(names)
}

fn flow_logs(scope: &Scope, vpc: &Handle<CfnVPC>, retention: RetentionDays) {
    let log_group_arn =
        fns::sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*");
    let key = kms::encryption_key(
        scope,
        "FlowLogKey",
        "Encrypts the VPC's flow logs",
        vec![kms::service_statement(
            "LogsEncrypt",
            fns::sub("logs.${AWS::Region}.amazonaws.com"),
            &[
                "kms:Decrypt",
                "kms:Encrypt",
                "kms:GenerateDataKey*",
                "kms:ReEncrypt*",
                "kms:DescribeKey",
            ],
        )
        .condition(
            "ArnLike",
            "kms:EncryptionContext:aws:logs:arn",
            log_group_arn,
        )],
    );
    let group = scope.add(
        "FlowLogGroup",
        CfnLogGroup {
            retention_in_days: retention.days().map(Into::into),
            kms_key_id: Some(key.attr_arn().into()),
            ..Default::default()
        },
    );
    RemovalPolicy::RetainOnUpdateOrDelete.apply(scope.stack(), &group);
    let role = Role::new(
        scope,
        "FlowLogRole",
        RoleProps::new(
            "vpc-flow-logs.amazonaws.com",
            "Lets VPC flow logs write to their log group",
        ),
    );
    role.add_to_policy(PolicyStatement::allow(
        [
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "logs:DescribeLogStreams",
            "logs:DescribeLogGroups",
        ],
        [group.attr_arn()],
    ));
    scope.add(
        "FlowLog",
        CfnFlowLog {
            traffic_type: Some("ALL".into()),
            log_destination_type: Some("cloud-watch-logs".into()),
            log_group_name: Some(group.reference().into()),
            deliver_logs_permission_arn: Some(role.arn().into()),
            ..CfnFlowLog::new(vpc.reference(), "VPC")
        },
    );
}
