//! Lambda: [`Function`] with its own role, log group, code asset and failure destination.

mod function;
mod runtime;
mod stream_source;

pub use function::{Function, FunctionProps};
pub use runtime::Runtime;
pub use stream_source::{StartingPosition, StreamSourceProps};
