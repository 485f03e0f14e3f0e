//! Lambda: [`Function`] with its own role, log group, code asset and failure destination.

mod function;
mod runtime;

pub use function::{Function, FunctionProps};
pub use runtime::Runtime;
