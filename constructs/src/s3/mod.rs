//! S3: [`BlobStore`], the application's object storage, safe by default: versioned,
//! encrypted, public access blocked, TLS-only, ACLs off, retained on delete; with a
//! lifecycle that keeps old versions from piling up, and grants drawn from [`perms`].

mod blob_store;
mod name;
pub mod perms;
pub mod secure;
pub mod server_access_logs;

pub use blob_store::{BlobStore, BlobStoreProps, Credentials, StorageClass, Transition};
pub use name::invalid_bucket_name;
