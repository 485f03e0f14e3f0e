//! DynamoDB: the [`Table`] construct, its small value types, and its grants.

mod attribute;
mod billing;
pub mod perms;
mod table;

pub use attribute::{Attribute, AttributeType};
pub use billing::Billing;
pub use table::{GlobalSecondaryIndex, StreamView, Table, TableEncryption, TableProps};
