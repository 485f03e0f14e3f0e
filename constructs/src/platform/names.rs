//! The names an environment gives the platform: its stacks and the physical names AWS and
//! Atlas keep per account (or project), each prefixed with `environment_name`, and the
//! check that every one of them stays within its service's rules.

/// The platform's stacks, after the environment's name.
pub const DATA_STACK: &str = "PlatformData";
pub const SERVICES_STACK: &str = "PlatformServices";

/// The physical names derived from one `environment_name`.
#[derive(Debug, Clone, PartialEq)]
pub struct PlatformNames {
    pub data_stack: String,
    pub services_stack: String,
    pub frontend_repository: String,
    pub backend_repository: String,
    pub atlas_cluster: String,
    pub atlas_user: String,
}

/// A derived name, the service whose rule it must meet, and that rule's length limit.
struct Limit<'a> {
    what: &'a str,
    name: &'a str,
    max: usize,
}

impl PlatformNames {
    pub fn new(environment: &str) -> PlatformNames {
        PlatformNames {
            data_stack: format!("{environment}-{DATA_STACK}"),
            services_stack: format!("{environment}-{SERVICES_STACK}"),
            frontend_repository: format!("{environment}-event-sourcing-app-frontend"),
            backend_repository: format!("{environment}-event-sourcing-app-backend"),
            atlas_cluster: format!("{environment}-projection-store"),
            atlas_user: format!("{environment}-projection-store-app"),
        }
    }

    /// Why `environment` cannot name an environment (a message and a fix), if it cannot.
    ///
    /// The strictest rules apply: ECR's (lower case, separators between letters and
    /// digits), CloudFormation's stack names (a letter first) and Atlas's cluster names
    /// (64 characters).
    pub fn check(environment: &str) -> Option<(String, String)> {
        if environment.is_empty() {
            return Some((
                "is empty".into(),
                "name the environment: production, staging, dev-alice".into(),
            ));
        }
        let valid_chars = environment
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let starts = environment.starts_with(|c: char| c.is_ascii_lowercase());
        if !valid_chars || !starts || environment.ends_with('-') || environment.contains("--") {
            return Some((
                format!("`{environment}` is not lower-case letters, digits and single hyphens, starting with a letter"),
                "ECR repository and CloudFormation stack names are built from it: use a name such as production or dev-alice".into(),
            ));
        }
        let names = PlatformNames::new(environment);
        let limits = [
            Limit {
                what: "CloudFormation stack name",
                name: &names.services_stack,
                max: 128,
            },
            Limit {
                what: "CloudFormation stack name",
                name: &names.data_stack,
                max: 128,
            },
            Limit {
                what: "ECR repository name",
                name: &names.frontend_repository,
                max: 256,
            },
            Limit {
                what: "ECR repository name",
                name: &names.backend_repository,
                max: 256,
            },
            Limit {
                what: "Atlas cluster name",
                name: &names.atlas_cluster,
                max: 64,
            },
            Limit {
                what: "Atlas user name",
                name: &names.atlas_user,
                max: 1024,
            },
        ];
        for l in limits {
            if l.name.len() > l.max {
                let longest = environment.len() - (l.name.len() - l.max);
                return Some((
                    format!(
                        "makes the {} `{}` {} characters long; the limit is {}",
                        l.what,
                        l.name,
                        l.name.len(),
                        l.max
                    ),
                    format!("use an environment name of at most {longest} characters"),
                ));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::PlatformNames;

    #[test]
    fn names_are_prefixed_and_checked() {
        let n = PlatformNames::new("staging");
        assert_eq!(n.data_stack, "staging-PlatformData");
        assert_eq!(n.atlas_cluster, "staging-projection-store");
        assert!(PlatformNames::check("staging").is_none());
        assert!(PlatformNames::check("dev-alice2").is_none());
        for bad in [
            "", "Prod", "prod_1", "-prod", "prod-", "pr--od", "1prod", "prod.x",
        ] {
            assert!(PlatformNames::check(bad).is_some(), "{bad}");
        }
        // Atlas's 64 characters bound the name: `-projection-store` takes 17.
        assert!(PlatformNames::check(&"a".repeat(47)).is_none());
        let (message, fix) = PlatformNames::check(&"a".repeat(48)).unwrap();
        assert!(message.contains("Atlas cluster name"), "{message}");
        assert!(fix.contains("at most 47"), "{fix}");
    }
}
