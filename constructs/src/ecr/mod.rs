//! ECR: [`Repository`], a private image registry safe by default: tags immutable, images
//! scanned on push, encrypted, old images expired by a lifecycle rule, retained on delete;
//! with push and pull grants drawn from [`perms`].

mod name;
pub mod perms;
mod repository;

pub use name::invalid_repository_name;
pub use repository::{Encryption, Repository, RepositoryProps};
