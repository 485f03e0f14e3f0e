//! The IAM actions ECS services' roles and grants use, in one place.

/// The execution role reading a secret the container references.
pub const SECRET_READ: &[&str] = &["secretsmanager:GetSecretValue"];

/// On one service: forcing a new deployment (`aws ecs update-service
/// --force-new-deployment`) and waiting for it (`aws ecs wait services-stable`).
pub const SERVICE_DEPLOY: &[&str] = &["ecs:DescribeServices", "ecs:UpdateService"];
