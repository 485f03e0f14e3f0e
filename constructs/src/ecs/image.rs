//! [`ContainerImage`]: what a service runs.

use crate::ecr::Repository;
use escdk_synth::{fns, Expr, Scope, Value};

/// An image: a tag of one of the app's repositories (whose pull the execution role is
/// granted), or a public image by name.
#[derive(Debug, Clone)]
pub enum ContainerImage {
    /// `tag` in `repository` (the seed's `frontend_image`/`backend_image`).
    Repository { repository: Repository, tag: String },
    /// A public image, e.g. `public.ecr.aws/nginx/nginx:1.27`.
    Registry(String),
}

impl ContainerImage {
    pub fn from_repository(repository: &Repository, tag: &str) -> ContainerImage {
        ContainerImage::Repository {
            repository: repository.clone(),
            tag: tag.to_string(),
        }
    }

    pub fn from_registry(name: &str) -> ContainerImage {
        ContainerImage::Registry(name.to_string())
    }

    /// The image reference the task definition names; checks the tag first.
    pub(crate) fn uri(&self, scope: &Scope) -> Value<String> {
        match self {
            ContainerImage::Repository { repository, tag } => {
                check_tag(scope, tag);
                let uri: Expr = fns::sub_with(
                    format!("${{Uri}}:{tag}"),
                    [("Uri", repository.repository_uri())],
                );
                uri.into()
            }
            ContainerImage::Registry(name) => {
                if name.is_empty() || name.chars().any(char::is_whitespace) {
                    scope.prop_error(
                        "Image",
                        format!("`{name}` is not an image name"),
                        "give a name like public.ecr.aws/nginx/nginx:1.27",
                    );
                }
                name.as_str().into()
            }
        }
    }
}

/// A Docker tag: 1 to 128 of `[A-Za-z0-9_.-]`, not starting with `.` or `-`. `latest` in
/// an immutable repository can be pushed once only: a warning.
fn check_tag(scope: &Scope, tag: &str) {
    let ok = (1..=128).contains(&tag.len())
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
        && !tag.starts_with(['.', '-']);
    if !ok {
        scope.prop_error(
            "Image",
            format!("`{tag}` is not an image tag"),
            "give a tag of 1 to 128 letters, digits, `_`, `.` and `-`, e.g. the commit's SHA",
        );
    } else if tag == "latest" {
        scope.warning(
            "the image tag is `latest`, but the repository's tags are immutable: `latest` can be pushed once, and a new image never reaches the service",
            "tag each image with something unique (the commit's SHA, a version) and deploy that tag",
        );
    }
}
