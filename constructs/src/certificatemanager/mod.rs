//! ACM: a [`Certificate`] for names in a hosted zone, validated by DNS records that
//! CloudFormation adds to the zone itself, renewed by ACM while the records stay.

mod certificate;

pub use certificate::{Certificate, CertificateProps, DEFAULT_DOMAIN_QUOTA};
