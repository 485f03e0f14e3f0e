//! Security groups as handles: ingress is wired from other groups (`allow_from`), or from
//! explicit CIDR lists, and every rule says why in its description. Rules are added under
//! the group they open (`<group>/From<source>Port<port>`), so two groups allowing the same
//! source never clash and ids do not depend on where the call was written.

use super::cidr::Cidr;
use super::vpc::Vpc;
use escdk_synth::cfn::ec2::{
    security_group, CfnSecurityGroup, CfnSecurityGroupEgress, CfnSecurityGroupIngress,
};
use escdk_synth::{Expr, Handle, Scope};

/// Properties of a [`SecurityGroup`].
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityGroupProps {
    /// Why the group exists (EC2 shows it; it cannot change without replacing the group).
    pub description: String,
    /// Whether members may connect anywhere (true by default). When false, the group allows
    /// no egress until [`SecurityGroup::allow_to`] opens a port to another group.
    pub allow_all_outbound: bool,
}

impl SecurityGroupProps {
    pub fn new(description: &str) -> Self {
        SecurityGroupProps {
            description: description.to_string(),
            allow_all_outbound: true,
        }
    }

    /// A group whose members connect only where [`SecurityGroup::allow_to`] says.
    pub fn no_outbound(description: &str) -> Self {
        SecurityGroupProps {
            allow_all_outbound: false,
            ..SecurityGroupProps::new(description)
        }
    }
}

/// A security group in a VPC.
#[derive(Debug, Clone)]
pub struct SecurityGroup {
    pub handle: Handle<CfnSecurityGroup>,
    scope: Scope,
}

fn ingress(port: u16, description: &str, group: Expr) -> CfnSecurityGroupIngress {
    CfnSecurityGroupIngress {
        group_id: Some(group.into()),
        from_port: Some(i64::from(port).into()),
        to_port: Some(i64::from(port).into()),
        description: Some(description.into()),
        ..CfnSecurityGroupIngress::new("tcp")
    }
}

impl SecurityGroup {
    /// A group with no ingress and the default (all) egress.
    pub fn new(scope: &Scope, id: &str, vpc: &Vpc, props: SecurityGroupProps) -> SecurityGroup {
        let scope = scope.child(id);
        let handle = scope.add(
            "Resource",
            CfnSecurityGroup {
                vpc_id: Some(vpc.id().into()),
                // EC2 adds "all traffic anywhere" to a group with no egress rule; a rule
                // that matches nothing (ICMP type 252, code 86, to one broadcast address)
                // keeps it closed until `allow_to` opens it.
                security_group_egress: (!props.allow_all_outbound).then(|| {
                    vec![security_group::Egress {
                        cidr_ip: Some("255.255.255.255/32".into()),
                        description: Some("Disallow all traffic".into()),
                        from_port: Some(252.into()),
                        to_port: Some(86.into()),
                        ..security_group::Egress::new("icmp")
                    }]
                    .into()
                }),
                ..CfnSecurityGroup::new(props.description)
            },
        );
        SecurityGroup { handle, scope }
    }

    pub fn id(&self) -> Expr {
        self.handle.attr_group_id()
    }

    /// Allows TCP `port` from members of `source`.
    pub fn allow_from(
        &self,
        source: &SecurityGroup,
        port: u16,
        description: &str,
    ) -> Handle<CfnSecurityGroupIngress> {
        let id = format!(
            "From{}Port{port}",
            source.scope.full_path().replace(['/', '-'], "")
        );
        self.scope.add(
            &id,
            CfnSecurityGroupIngress {
                source_security_group_id: Some(source.id().into()),
                ..ingress(port, description, self.id())
            },
        )
    }

    /// Allows TCP `port` from a network.
    pub fn allow_from_cidr(
        &self,
        cidr: Cidr,
        port: u16,
        description: &str,
    ) -> Handle<CfnSecurityGroupIngress> {
        let id = format!(
            "From{}Port{port}",
            cidr.to_string().replace(['.', '/'], "_")
        );
        self.scope.add(
            &id,
            CfnSecurityGroupIngress {
                cidr_ip: Some(cidr.to_string().into()),
                ..ingress(port, description, self.id())
            },
        )
    }

    /// Lets members connect to members of `destination` on TCP `port` (for a group made
    /// with [`SecurityGroupProps::no_outbound`]).
    pub fn allow_to(
        &self,
        destination: &SecurityGroup,
        port: u16,
        description: &str,
    ) -> Handle<CfnSecurityGroupEgress> {
        let id = format!(
            "To{}Port{port}",
            destination.scope.full_path().replace(['/', '-'], "")
        );
        self.scope.add(
            &id,
            CfnSecurityGroupEgress {
                destination_security_group_id: Some(destination.id().into()),
                from_port: Some(i64::from(port).into()),
                to_port: Some(i64::from(port).into()),
                description: Some(description.into()),
                ..CfnSecurityGroupEgress::new(self.id(), "tcp")
            },
        )
    }
}
