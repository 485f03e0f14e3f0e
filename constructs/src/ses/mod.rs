//! SES: [`EmailSender`], the platform's e-mail: a verified domain identity with Easy DKIM,
//! a custom MAIL FROM domain and DMARC, sending over TLS only, and SMTP credentials that
//! the stack makes and keeps in a secret ([`smtp`]).

mod email_sender;
pub mod smtp;

pub use email_sender::{DmarcPolicy, EmailSender, EmailSenderProps};
