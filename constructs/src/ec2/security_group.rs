//! Security groups as handles: ingress is wired from other groups (`allow_from`), or from
//! explicit CIDR lists, and every rule says why in its description.

use super::cidr::Cidr;
use super::vpc::Vpc;
use escdk_synth::cfn::ec2::{CfnSecurityGroup, CfnSecurityGroupIngress};
use escdk_synth::{Expr, Handle, Scope};

/// A security group in a VPC.
#[derive(Debug, Clone)]
pub struct SecurityGroup {
    pub handle: Handle<CfnSecurityGroup>,
    path: String,
}

impl SecurityGroup {
    /// A group with no ingress and the default (all) egress.
    pub fn new(scope: &mut Scope, id: &str, vpc: &Vpc, description: &str) -> SecurityGroup {
        let mut scope = scope.child(id);
        let handle = scope.add(
            "Resource",
            CfnSecurityGroup {
                vpc_id: Some(vpc.id().into()),
                ..CfnSecurityGroup::new(description)
            },
        );
        SecurityGroup {
            handle,
            path: scope.full_path(),
        }
    }

    /// The group id.
    pub fn id(&self) -> Expr {
        self.handle.attr_group_id()
    }

    /// Allows TCP `port` from members of `source`.
    pub fn allow_from(
        &self,
        scope: &mut Scope,
        source: &SecurityGroup,
        port: u16,
        description: &str,
    ) {
        let id = format!("From{}Port{port}", source.path.replace(['/', '-'], ""));
        scope.add(
            &id,
            CfnSecurityGroupIngress {
                group_id: Some(self.id().into()),
                source_security_group_id: Some(source.id().into()),
                from_port: Some(i64::from(port).into()),
                to_port: Some(i64::from(port).into()),
                description: Some(description.into()),
                ..CfnSecurityGroupIngress::new("tcp")
            },
        );
    }

    /// Allows TCP `port` from one IPv4 block.
    pub fn allow_from_cidr(&self, scope: &mut Scope, cidr: Cidr, port: u16, description: &str) {
        let id = format!(
            "From{}Port{port}",
            cidr.to_string().replace(['.', '/'], "_")
        );
        scope.add(
            &id,
            CfnSecurityGroupIngress {
                group_id: Some(self.id().into()),
                cidr_ip: Some(cidr.to_string().into()),
                from_port: Some(i64::from(port).into()),
                to_port: Some(i64::from(port).into()),
                description: Some(description.into()),
                ..CfnSecurityGroupIngress::new("tcp")
            },
        );
    }
}
