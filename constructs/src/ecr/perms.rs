//! The IAM actions each repository grant gives, in one place. Never `ecr:*`.

/// Logging in to the registry. It has no resource-level permission: it is granted on `*`
/// (the token it returns opens no repository by itself).
pub const AUTHORIZATION: &str = "ecr:GetAuthorizationToken";

/// On the repository: pulling an image (its manifest and layers).
pub const PULL: &[&str] = &[
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
];

/// On the repository: pushing an image (layers, then the manifest under a tag). Pushing
/// checks which layers exist, so it includes [`PULL`]'s `BatchCheckLayerAvailability`.
pub const PUSH: &[&str] = &[
    "ecr:BatchCheckLayerAvailability",
    "ecr:CompleteLayerUpload",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
];
