//! [`BlobStore`]: the application's bucket and how the services reach it.

use super::name::invalid_bucket_name;
use super::perms;
use super::secure;
use super::server_access_logs;
use crate::env::EnvValue;
use crate::iam::{Grant, Grantee, PolicyDocument, PolicyStatement, User};
use crate::removal::RemovalPolicy;
use escdk_synth::cfn::iam::CfnAccessKey;
use escdk_synth::cfn::s3::{bucket, CfnBucket, CfnBucketPolicy};
use escdk_synth::cfn::secretsmanager::CfnSecret;
use escdk_synth::{fns, Duration, Expr, Handle, Scope, Value};

/// A storage class objects move to as they age.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageClass {
    /// Infrequent access: at least 30 days after creation.
    InfrequentAccess,
    IntelligentTiering,
    GlacierInstantRetrieval,
    Glacier,
    DeepArchive,
}

impl StorageClass {
    fn name(self) -> &'static str {
        match self {
            StorageClass::InfrequentAccess => "STANDARD_IA",
            StorageClass::IntelligentTiering => "INTELLIGENT_TIERING",
            StorageClass::GlacierInstantRetrieval => "GLACIER_IR",
            StorageClass::Glacier => "GLACIER",
            StorageClass::DeepArchive => "DEEP_ARCHIVE",
        }
    }

    /// S3's minimum age for a transition into this class.
    fn minimum_days(self) -> u64 {
        match self {
            StorageClass::InfrequentAccess => 30,
            _ => 1,
        }
    }
}

/// Moves current objects to `storage_class` `after` their creation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub storage_class: StorageClass,
    pub after: Duration,
}

/// How the services authenticate to the bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Credentials {
    /// The services' task role, granted [`BlobStore::grant_read_write`]: no long-lived key,
    /// and no `S3_ACCESS_KEY`/`S3_SECRET_KEY` (AWS SDKs find the task role's credentials
    /// themselves).
    #[default]
    TaskRole,
    /// The seed's behaviour, for applications that insist on a key: an IAM user that may
    /// read and write this bucket only, its key in a Secrets Manager secret, handed over as
    /// secret references. Change `serial` to rotate the key.
    AccessKey { serial: u32 },
}

/// Properties of a [`BlobStore`].
#[derive(Debug, Clone, PartialEq)]
pub struct BlobStoreProps {
    /// A fixed name (checked against S3's rules); CloudFormation names it otherwise.
    pub bucket_name: Option<String>,
    /// Versions that have been overwritten or deleted are expired this long after (90 days,
    /// as in the seed).
    pub noncurrent_version_expiration: Duration,
    /// Incomplete multipart uploads are aborted this long after they started (7 days).
    pub abort_incomplete_uploads_after: Duration,
    pub transitions: Vec<Transition>,
    /// Browser origins (`https://app.example.com`) that may read and upload directly.
    pub cors_origins: Vec<String>,
    pub credentials: Credentials,
    /// Server access logs (every request to the bucket) in a bucket of their own, kept this
    /// long: 90 days by default. `None` turns them off (checkov's CKV_AWS_18 then says so).
    pub access_logs: Option<Duration>,
    /// Retained by default. `Destroy` deletes the bucket with the stack only if it is empty.
    pub removal_policy: RemovalPolicy,
}

impl Default for BlobStoreProps {
    fn default() -> Self {
        BlobStoreProps {
            bucket_name: None,
            noncurrent_version_expiration: Duration::days(90),
            abort_incomplete_uploads_after: Duration::days(7),
            transitions: Vec::new(),
            cors_origins: Vec::new(),
            credentials: Credentials::TaskRole,
            access_logs: Some(Duration::days(90)),
            removal_policy: RemovalPolicy::RetainOnUpdateOrDelete,
        }
    }
}

/// The long-lived key of [`Credentials::AccessKey`].
#[derive(Debug, Clone)]
pub struct AccessKeyCredentials {
    pub user: User,
    pub key: Handle<CfnAccessKey>,
    /// `{"accessKeyId": …, "secretAccessKey": …}`.
    pub secret: Handle<CfnSecret>,
    /// The key the secret is encrypted with (the stack's key).
    pub secret_key: Expr,
}

/// A versioned, encrypted, private bucket for the application's objects.
#[derive(Debug, Clone)]
pub struct BlobStore {
    pub bucket: Handle<CfnBucket>,
    pub policy: Handle<CfnBucketPolicy>,
    pub access_key: Option<AccessKeyCredentials>,
}

fn lifecycle(scope: &Scope, props: &BlobStoreProps) -> bucket::LifecycleConfiguration {
    let noncurrent = props.noncurrent_version_expiration.days_in(
        scope,
        "NoncurrentVersionExpiration",
        1..=36_500,
    );
    let abort = props.abort_incomplete_uploads_after.days_in(
        scope,
        "AbortIncompleteMultipartUpload",
        1..=36_500,
    );
    let days: Vec<(StorageClass, u64)> = props
        .transitions
        .iter()
        .map(|t| {
            let days = t.after.days_in(
                scope,
                "Transitions",
                t.storage_class.minimum_days()..=36_500,
            );
            (t.storage_class, days)
        })
        .collect();
    check_waterfall(scope, &days);
    let transitions: Vec<bucket::Transition> = days
        .iter()
        .map(|(class, days)| bucket::Transition {
            transition_in_days: Some((*days as i64).into()),
            ..bucket::Transition::new(class.name())
        })
        .collect();
    bucket::LifecycleConfiguration::new(vec![bucket::Rule {
        id: Some("ExpireOldVersionsAndAbandonedUploads".into()),
        noncurrent_version_expiration: Some(bucket::NoncurrentVersionExpiration::new(
            noncurrent as i64,
        )),
        abort_incomplete_multipart_upload: Some(bucket::AbortIncompleteMultipartUpload::new(
            abort as i64,
        )),
        // A delete marker with no versions left behind it is removed too.
        expired_object_delete_marker: Some(true.into()),
        transitions: (!transitions.is_empty()).then(|| transitions.into()),
        ..bucket::Rule::new("Enabled")
    }])
}

/// S3 moves objects down its classes only (the enum's order: Standard-IA, Intelligent-
/// Tiering, Glacier Instant Retrieval, Glacier, Deep Archive), each class once, and keeps
/// an object in Standard-IA 30 days before moving it on: a lifecycle rule breaking either
/// fails the bucket at deploy.
fn check_waterfall(scope: &Scope, transitions: &[(StorageClass, u64)]) {
    let mut by_day = transitions.to_vec();
    by_day.sort_by_key(|&(class, days)| (days, class as u8));
    for pair in by_day.windows(2) {
        let [(earlier, from), (later, to)] = [pair[0], pair[1]];
        let problem = if earlier == later {
            format!("two transitions to {}", earlier.name())
        } else if from == to || (later as u8) < (earlier as u8) {
            format!(
                "{} on day {to} does not follow {} on day {from}: S3 moves objects only to a colder class, on a later day",
                later.name(),
                earlier.name()
            )
        } else if earlier == StorageClass::InfrequentAccess && to < from + 30 {
            format!(
                "{} on day {to} is less than 30 days after STANDARD_IA on day {from}",
                later.name()
            )
        } else {
            continue;
        };
        scope.prop_error(
            "Transitions",
            problem,
            "give each class once, colder classes later (Standard-IA, Intelligent-Tiering, Glacier Instant Retrieval, Glacier, Deep Archive), 30 days or more after Standard-IA",
        );
    }
}

fn strings(items: &[&str]) -> Vec<Value<String>> {
    items.iter().map(|s| Value::from(*s)).collect()
}

fn cors(scope: &Scope, origins: &[String]) -> Option<bucket::CorsConfiguration> {
    for o in origins {
        let ok = o
            .strip_prefix("https://")
            .is_some_and(|host| crate::route53::domain::invalid(host).is_none());
        if !ok {
            scope.prop_error(
                "CorsOrigins",
                format!("`{o}` is not an https origin"),
                "give origins as https://<domain>, without a path or a trailing slash",
            );
        }
    }
    (!origins.is_empty()).then(|| {
        bucket::CorsConfiguration::new(vec![bucket::CorsRule {
            allowed_headers: Some(strings(&["*"]).into()),
            exposed_headers: Some(strings(&["ETag"]).into()),
            max_age: Some(3000.into()),
            ..bucket::CorsRule::new(
                strings(&["GET", "HEAD", "PUT", "POST"]),
                origins
                    .iter()
                    .map(|o| Value::from(o.as_str()))
                    .collect::<Vec<_>>(),
            )
        }])
    })
}

impl BlobStore {
    pub fn new(scope: &Scope, id: &str, props: BlobStoreProps) -> BlobStore {
        let scope = scope.child(id);
        if let Some(name) = &props.bucket_name {
            if let Some(why) = invalid_bucket_name(name) {
                scope.prop_error(
                    "BucketName",
                    format!("`{name}` {why}"),
                    "choose a name S3 accepts, or leave bucket_name unset and let CloudFormation name it",
                );
            }
        }
        // The logged bucket's ARN, known before it exists (its name may be generated).
        let logged_arn = fns::sub(match &props.bucket_name {
            Some(name) => format!("arn:${{AWS::Partition}}:s3:::{name}"),
            None => "arn:${AWS::Partition}:s3:::*".to_string(),
        });
        let logs = props
            .access_logs
            .map(|expire| server_access_logs::log_bucket(&scope, logged_arn, expire));
        let bucket = scope.add(
            "Bucket",
            CfnBucket {
                logging_configuration: logs
                    .as_ref()
                    .map(|(log_bucket, _)| server_access_logs::logging(log_bucket)),
                bucket_name: props.bucket_name.as_deref().map(Into::into),
                versioning_configuration: Some(bucket::VersioningConfiguration::new("Enabled")),
                lifecycle_configuration: Some(lifecycle(&scope, &props)),
                cors_configuration: cors(&scope, &props.cors_origins),
                ..secure::private_bucket()
            },
        );
        props.removal_policy.apply(scope.stack(), &bucket);
        let policy = scope.add(
            "Policy",
            CfnBucketPolicy::new(
                bucket.reference(),
                PolicyDocument::new(secure::tls_only_statements(bucket.attr_arn())).to_json(),
            ),
        );
        let mut store = BlobStore {
            bucket,
            policy,
            access_key: None,
        };
        if let Credentials::AccessKey { serial } = props.credentials {
            store.access_key = Some(store.access_key_user(&scope, serial));
        }
        store
    }

    fn access_key_user(&self, scope: &Scope, serial: u32) -> AccessKeyCredentials {
        let user = User::new(scope, "User");
        self.grant_read_write(&user);
        let key = scope.add(
            "AccessKey",
            CfnAccessKey {
                serial: Some(i64::from(serial).into()),
                ..CfnAccessKey::new(user.name())
            },
        );
        // The secret's value is resolved by CloudFormation from the key's attribute: the
        // template holds only the reference, never the key.
        let secret = crate::secrets::add(
            scope,
            "AccessKeySecret",
            CfnSecret {
                description: Some(
                    "Access key of the IAM user that may use the blob store's bucket only".into(),
                ),
                secret_string: Some(
                    fns::sub_with(
                        r#"{"accessKeyId":"${Id}","secretAccessKey":"${Secret}"}"#,
                        [
                            ("Id", key.reference()),
                            ("Secret", key.get_att("SecretAccessKey")),
                        ],
                    )
                    .into(),
                ),
                ..Default::default()
            },
        );
        // The key dies with the stack; so does the copy of it.
        RemovalPolicy::Destroy.apply(scope.stack(), &secret);
        AccessKeyCredentials {
            user,
            key,
            secret,
            secret_key: crate::secrets::key_arn(scope),
        }
    }

    pub fn name(&self) -> Expr {
        self.bucket.reference()
    }

    pub fn arn(&self) -> Expr {
        self.bucket.attr_arn()
    }

    fn objects_arn(&self) -> Expr {
        secure::objects_arn(self.arn())
    }

    /// Listing the bucket and reading objects (and their versions).
    pub fn grant_read(&self, grantee: &impl Grantee) -> Grant {
        Grant::add(
            grantee,
            vec![
                PolicyStatement::allow(perms::BUCKET_READ.iter().copied(), [self.arn()]),
                PolicyStatement::allow(perms::OBJECT_READ.iter().copied(), [self.objects_arn()]),
            ],
        )
    }

    /// Reading, writing and deleting objects, with multipart uploads.
    pub fn grant_read_write(&self, grantee: &impl Grantee) -> Grant {
        let bucket = perms::BUCKET_READ
            .iter()
            .chain(perms::BUCKET_WRITE)
            .copied();
        let objects = perms::OBJECT_READ
            .iter()
            .chain(perms::OBJECT_WRITE)
            .copied();
        Grant::add(
            grantee,
            vec![
                PolicyStatement::allow(bucket, [self.arn()]),
                PolicyStatement::allow(objects, [self.objects_arn()]),
            ],
        )
    }

    /// The seed's variables: `S3_ENDPOINT_URL`, `S3_BUCKET_NAME`, `S3_REGION`, and with
    /// [`Credentials::AccessKey`] `S3_ACCESS_KEY`/`S3_SECRET_KEY` as secret references.
    /// With the default [`Credentials::TaskRole`] the two key variables are left out: grant
    /// the task role [`BlobStore::grant_read_write`] instead.
    pub fn environment(&self) -> Vec<(String, EnvValue)> {
        let mut vars = vec![
            (
                "S3_ENDPOINT_URL".to_string(),
                EnvValue::Value(fns::sub("https://s3.${AWS::Region}.${AWS::URLSuffix}").into()),
            ),
            (
                "S3_BUCKET_NAME".to_string(),
                EnvValue::Value(self.name().into()),
            ),
            (
                "S3_REGION".to_string(),
                EnvValue::Value(fns::sub("${AWS::Region}").into()),
            ),
        ];
        if let Some(k) = &self.access_key {
            let arn = k.secret.reference();
            let key = k.secret_key.clone();
            vars.push((
                "S3_ACCESS_KEY".to_string(),
                EnvValue::encrypted_secret_key(arn.clone(), "accessKeyId", key.clone()),
            ));
            vars.push((
                "S3_SECRET_KEY".to_string(),
                EnvValue::encrypted_secret_key(arn, "secretAccessKey", key),
            ));
        }
        vars
    }
}
