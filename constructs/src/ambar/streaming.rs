//! [`AmbarStreaming`]: the data source, filters and destinations, as custom resources of one
//! provider function, wired to the event store.

use super::check::{check, destination_id};
use super::emulator;
use super::props::{AmbarStreamingProps, ApiKey};
use crate::aurora::{AuroraEventStore, COLUMNS, PORT};
use crate::env::EnvValue;
use crate::iam::PolicyStatement;
use crate::lambda::{Function, FunctionProps};
use crate::removal::RemovalPolicy;
use crate::secrets::{self, generated};
use escdk_synth::cfn::secretsmanager::CfnSecret;
use escdk_synth::{fns, rules, CustomResource, Duration, Expr, Handle, Json, Scope};
use std::path::PathBuf;

/// How long the provider may take for one request (Lambda's maximum); CloudFormation's
/// `ServiceTimeout` of every Ambar resource is the same, so a stack never waits longer.
pub const PROVIDER_TIMEOUT: Duration = Duration::minutes(15);

/// HTTP Basic credentials' lengths (the seed's: 8 and 16 characters, letters and digits).
pub const HTTP_USERNAME_LENGTH: i64 = 8;
pub const HTTP_PASSWORD_LENGTH: i64 = 16;

/// One endpoint's resources.
#[derive(Debug, Clone)]
pub struct StreamDestination {
    pub path: String,
    pub filter: Handle<CustomResource>,
    pub destination: Handle<CustomResource>,
}

/// Streams every row appended to the event store's table to the application's HTTP
/// endpoints through Ambar.
#[derive(Debug, Clone)]
pub struct AmbarStreaming {
    pub provider: Function,
    pub data_source: Handle<CustomResource>,
    pub destinations: Vec<StreamDestination>,
    /// The secret holding the API key (ARN).
    pub api_key_secret_arn: Expr,
    /// The secret the stack created for the API key ([`ApiKey::Create`]), and its name.
    pub created_api_key: Option<(Handle<CfnSecret>, String)>,
    /// `{"username": …}`: what Ambar presents to the endpoints.
    pub http_username: Handle<CfnSecret>,
    /// `{"password": …}`.
    pub http_password: Handle<CfnSecret>,
    /// The key the secrets made here are encrypted with (the stack's key).
    pub secret_key: Expr,
}

fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/ambar_provider")
}

impl AmbarStreaming {
    pub fn new(
        scope: &Scope,
        id: &str,
        store: &AuroraEventStore,
        props: AmbarStreamingProps,
    ) -> AmbarStreaming {
        let scope = scope.child(id);
        let stack = scope.stack().clone();
        let egress = check(&scope, &props, store.publicly_accessible);
        for c in &egress {
            store.security_group.allow_from_cidr(
                *c,
                PORT,
                "PostgreSQL over TLS from Ambar's egress addresses",
            );
        }

        let created_api_key = match props.api_key {
            ApiKey::Secret(_) | ApiKey::EncryptedSecret { .. } => None,
            ApiKey::Create => {
                let name = scope.child_physical_name("ApiKey", 400);
                let secret = secrets::add(
                    &scope,
                    "ApiKey",
                    CfnSecret {
                        name: Some(name.as_str().into()),
                        description: Some(
                            format!(
                                "Ambar API key for {}: put it with `aws secretsmanager put-secret-value`",
                                props.api_host
                            )
                            .into(),
                        ),
                        ..Default::default()
                    },
                );
                // Holds nothing the user cannot get again from Ambar; removed with the stack
                // so that a new deploy can take the same name.
                RemovalPolicy::Destroy.apply(&stack, &secret);
                rules::suppress(
                    &secret,
                    "ESCDK-RETAIN",
                    "it holds a copy of an Ambar API key the user can get again from Ambar, and goes with the stack so that a new deploy can take its name",
                );
                scope.info(format!(
                    "put the Ambar API key into secret `{name}` before or during the first deploy: aws secretsmanager put-secret-value --secret-id {name} --secret-string '<API key>'"
                ));
                Some((secret, name))
            }
        };
        let api_key_secret_arn = match (&props.api_key, &created_api_key) {
            (ApiKey::Secret(arn) | ApiKey::EncryptedSecret { secret: arn, .. }, _) => arn.clone(),
            (_, Some((secret, _))) => secret.reference(),
            (ApiKey::Create, None) => unreachable!("a created key has a secret"),
        };

        let http_username = secrets::add(
            &scope,
            "HttpUsername",
            generated(
                "HTTP Basic username Ambar presents to the application's endpoints",
                serde_json::json!({}),
                "username",
                HTTP_USERNAME_LENGTH,
            ),
        );
        let http_password = secrets::add(
            &scope,
            "HttpPassword",
            generated(
                "HTTP Basic password Ambar presents to the application's endpoints",
                serde_json::json!({}),
                "password",
                HTTP_PASSWORD_LENGTH,
            ),
        );
        for s in [&http_username, &http_password] {
            RemovalPolicy::Destroy.apply(&stack, s);
            rules::suppress(
                s,
                "ESCDK-RETAIN",
                "a generated HTTP Basic credential that only this stack's Ambar destinations and endpoints use: a new stack generates and hands over new ones",
            );
        }

        let provider = Function::new(
            &scope,
            "Provider",
            FunctionProps {
                description: Some(
                    "Creates, updates and deletes Ambar data sources, filters and destinations"
                        .into(),
                ),
                timeout: PROVIDER_TIMEOUT,
                ..FunctionProps::new(provider_dir(), "ambar_provider.lambda_handler")
            },
        );
        // The secrets made here are on this stack's key, the replication user's on the event
        // store's, and an API key secret the user gives on Secrets Manager's AWS managed key
        // (no grant) or on the key named with it.
        provider.role.add_to_policy(PolicyStatement::allow(
            secrets::READ.iter().copied(),
            [
                api_key_secret_arn.clone(),
                store.replication_secret_arn(),
                http_username.reference(),
                http_password.reference(),
            ],
        ));
        let own_key = secrets::key_arn(&scope);
        if store.secret_key != own_key {
            provider.role.add_to_policy(secrets::key_statement(
                store.secret_key.clone(),
                secrets::KEY_READ,
            ));
        }
        provider
            .role
            .add_to_policy(secrets::key_statement(own_key.clone(), secrets::KEY_READ));
        if let ApiKey::EncryptedSecret { key, .. } = &props.api_key {
            if *key != own_key && *key != store.secret_key {
                provider
                    .role
                    .add_to_policy(secrets::key_statement(key.clone(), secrets::KEY_READ));
            }
        }

        let resource = |type_name: &str| {
            CustomResource::new(type_name, provider.arn())
                .with_service_timeout(PROVIDER_TIMEOUT)
                .with("ApiHost", props.api_host.as_str())
                .with("ApiKeySecretArn", api_key_secret_arn.clone())
        };
        let n = &store.names;
        let mut config = vec![
            ("hostname", Json::from(store.endpoint())),
            ("hostPort", Json::from(store.port())),
            ("databaseName", Json::from(n.database.as_str())),
            ("tableName", Json::from(n.events_table.as_str())),
            ("publicationName", Json::from(n.publication.as_str())),
            ("partitioningColumn", Json::from("correlation_id")),
            ("serialColumn", Json::from("id")),
            ("columns", Json::from(COLUMNS.join(","))),
        ];
        if let Some(host) = &props.tls_termination_override_host {
            config.push(("tlsTerminationOverrideHost", Json::from(host.as_str())));
        }
        let data_source = scope.add_custom(
            "DataSource",
            resource("Custom::AmbarDataSource")
                .with("DataSourceType", "postgres")
                .with("Description", props.description.as_str())
                .with("CredentialsSecretArn", store.replication_secret_arn())
                .with("Config", Json::object(config)),
        );
        // The publication and the replication user exist before Ambar connects.
        store.before(&stack, &data_source);

        let mut destinations = Vec::new();
        for d in &props.destinations {
            let endpoint_scope = scope.child(&destination_id(d));
            let endpoint: Json = match (&props.base_url, d.is_url()) {
                (Some(Json::String(base)), false) => Json::from(format!("{base}{}", d.path)),
                // `${` in a path is written `${!` so that Fn::Sub keeps it as text.
                (Some(base), false) => fns::sub_with(
                    format!("${{BaseUrl}}{}", d.path.replace("${", "${!")),
                    [("BaseUrl", base.clone())],
                )
                .into(),
                _ => Json::from(d.path.as_str()),
            };
            let filter = endpoint_scope.add_custom(
                "Filter",
                resource("Custom::AmbarFilter")
                    .with("DataSourceId", data_source.reference())
                    .with("Description", d.description.as_str())
                    .with("Filter", d.filter.as_str()),
            );
            let destination = endpoint_scope.add_custom(
                "Destination",
                resource("Custom::AmbarDestination")
                    .with("Description", d.description.as_str())
                    .with("Endpoint", endpoint)
                    .with("DataSourceId", data_source.reference())
                    .with("FilterIds", Json::Array(vec![filter.reference().into()]))
                    .with("UsernameSecretArn", http_username.reference())
                    .with("PasswordSecretArn", http_password.reference()),
            );
            destinations.push(StreamDestination {
                path: d.path.clone(),
                filter,
                destination,
            });
        }

        stack.add_artifact(
            "ambar/emulator-config",
            emulator::config(&scope.full_path(), &props, &store.names),
        );
        AmbarStreaming {
            provider,
            data_source,
            destinations,
            api_key_secret_arn,
            created_api_key,
            http_username,
            http_password,
            secret_key: own_key,
        }
    }

    /// The variables the services receive: the HTTP Basic credentials Ambar presents, as
    /// secret references (the seed's `AMBAR_HTTP_USERNAME` and `AMBAR_HTTP_PASSWORD`).
    pub fn environment(&self) -> Vec<(String, EnvValue)> {
        vec![
            (
                "AMBAR_HTTP_USERNAME".into(),
                EnvValue::encrypted_secret_key(
                    self.http_username.reference(),
                    "username",
                    self.secret_key.clone(),
                ),
            ),
            (
                "AMBAR_HTTP_PASSWORD".into(),
                EnvValue::encrypted_secret_key(
                    self.http_password.reference(),
                    "password",
                    self.secret_key.clone(),
                ),
            ),
        ]
    }

    /// The ARNs of the secrets the services must be allowed to read for
    /// [`AmbarStreaming::environment`].
    pub fn secret_arns(&self) -> Vec<Expr> {
        vec![
            self.http_username.reference(),
            self.http_password.reference(),
        ]
    }
}
