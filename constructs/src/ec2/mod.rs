//! EC2 networking: [`Vpc`] with public and private subnets across availability zones, and
//! [`SecurityGroup`] handles that wire ingress between groups instead of CIDR strings.

mod allowed;
mod cidr;
mod security_group;
mod vpc;

pub use allowed::allowed_cidrs;
pub use cidr::{Cidr, CidrError};
pub use security_group::{SecurityGroup, SecurityGroupProps};
pub use vpc::{AvailabilityZones, NatGateways, Vpc, VpcProps};
