//! The IAM actions each bucket grant gives, in one place: bucket-level actions go on the
//! bucket's ARN, object-level ones on `<bucket ARN>/*`. Never `s3:*`.

/// On the bucket: listing keys and finding its region.
pub const BUCKET_READ: &[&str] = &["s3:GetBucketLocation", "s3:ListBucket"];

/// On the objects: reading them and their versions.
pub const OBJECT_READ: &[&str] = &["s3:GetObject", "s3:GetObjectVersion"];

/// On the bucket: listing multipart uploads in progress (to resume or abort them).
pub const BUCKET_WRITE: &[&str] = &["s3:ListBucketMultipartUploads"];

/// On the objects: writing, deleting (a delete marker: versions are kept) and multipart.
pub const OBJECT_WRITE: &[&str] = &[
    "s3:AbortMultipartUpload",
    "s3:DeleteObject",
    "s3:ListMultipartUploadParts",
    "s3:PutObject",
];
