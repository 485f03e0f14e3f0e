//! The IAM actions ECS services' roles and grants use, in one place.

/// On one service: forcing a new deployment (`aws ecs update-service
/// --force-new-deployment`) and waiting for it (`aws ecs wait services-stable`).
pub const SERVICE_DEPLOY: &[&str] = &["ecs:DescribeServices", "ecs:UpdateService"];
