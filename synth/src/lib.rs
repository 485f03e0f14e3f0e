//! # escdk-synth
//!
//! The core of escdk: a CloudFormation template model, intrinsic functions as typed values,
//! typed L1 resources generated from the official resource schemas ([`cfn`]), stacks with a
//! construct tree and path-derived logical IDs, validation at synth, and the app's CLI.
//!
//! ```
//! use escdk_synth::{App, Stack, Output, cfn::dynamodb::{CfnTable, table}};
//!
//! let mut stack = Stack::new("Hello");
//! let table = stack.root().add("Orders", CfnTable {
//!     attribute_definitions: Some(vec![table::AttributeDefinition::new("Id", "S")].into()),
//!     billing_mode: Some("PAY_PER_REQUEST".into()),
//!     ..CfnTable::new(vec![table::KeySchemaItem::new("Id", "HASH")])
//! });
//! stack.add_output("OrdersArn", Output::new(table.attr_arn()));
//! let template = stack.synth().expect("valid").to_json();
//! assert!(template.contains("\"Fn::GetAtt\""));
//! ```
//!
//! A bad literal is an error at synth that names the construct path, the property and the fix:
//!
//! ```
//! use escdk_synth::{Stack, cfn::sqs::CfnQueue};
//! let mut stack = Stack::new("Hello");
//! stack.root().add("Jobs", CfnQueue { message_retention_period: Some(30.into()), ..Default::default() });
//! let err = stack.synth().unwrap_err().to_string();
//! assert!(err.contains("Hello/Jobs (Jobs) Properties.MessageRetentionPeriod: 30 is below the minimum 60"));
//! ```

pub mod app;
pub mod asset;
pub mod cfn;
pub mod cli;
pub mod diagnostics;
pub mod handle;
pub mod intrinsics;
pub mod json;
pub mod l1;
pub mod logical_id;
pub mod stack;
pub mod validate;
pub mod value;

pub use app::App;
pub use diagnostics::{Diagnostic, Severity, SynthError};
pub use handle::{ConditionHandle, Handle, ParamHandle, StackId};
pub use intrinsics::{fns, Expr, Pseudo};
pub use json::{Json, JsonValue};
pub use l1::Resource;
pub use stack::{Output, Parameter, Policy, ResourceOptions, Scope, Stack, Synthesized};
pub use value::{Map, Value};
