//! AmbarStreaming at synth: the wiring (order, permissions, network, variables) read from
//! the template, and each bad input as an error naming the construct path, the property
//! and the fix, with nothing rendered.

mod support;

use escdk_constructs::ambar::{AmbarStreaming, AmbarStreamingProps, ApiKey, Destination};
use escdk_constructs::env::EnvValue;
use escdk_constructs::{AuroraEventStore, AuroraEventStoreProps};
use escdk_synth::assertions::{Match, Template};
use escdk_synth::{fns, Stack};
use serde_json::{json, Value};

fn store(stack: &Stack, publicly_accessible: bool) -> AuroraEventStore {
    support::aurora_store(
        stack,
        AuroraEventStoreProps {
            publicly_accessible,
            ..AuroraEventStoreProps::default()
        },
    )
}

fn props(destinations: Vec<Destination>, egress: &[&str]) -> AmbarStreamingProps {
    AmbarStreamingProps::new(
        ApiKey::Secret(fns::sub(
            "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:ambar/api-key-AbCdEf",
        )),
        "https://api.example.com",
        destinations,
        egress,
    )
}

fn users() -> Vec<Destination> {
    vec![Destination::new("/projections/users", "Users")]
}

/// The statements of the provider's role, among a template's `resources`.
fn provider_statements(resources: &serde_json::Map<String, Value>) -> &Vec<Value> {
    let role = resources
        .iter()
        .find(|(lid, _)| lid.starts_with("StreamingProviderRole"))
        .expect("the provider has a role")
        .1;
    role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        .as_array()
        .expect("the role has a policy")
}

/// The synth errors for these props, after checking that nothing was rendered.
fn errors_for(p: AmbarStreamingProps, publicly_accessible: bool) -> String {
    let stack = Stack::new("Shop");
    let s = store(&stack, publicly_accessible);
    AmbarStreaming::new(&stack.root(), "Streaming", &s, p);
    stack.synth().expect_err("synth must fail").to_string()
}

#[test]
fn the_stream_waits_for_the_schema_and_each_destination_for_its_filter() {
    let stack = Stack::new("Shop");
    let s = store(&stack, true);
    let streaming = AmbarStreaming::new(
        &stack.root(),
        "Streaming",
        &s,
        props(users(), &["203.0.113.10/32"]),
    );
    let t = Template::from_stack(&stack);
    let json = t.to_json();
    let resources = json["Resources"].as_object().unwrap();
    let (source_lid, source) = resources
        .iter()
        .find(|(_, r)| r["Type"] == "Custom::AmbarDataSource")
        .unwrap();
    let schema = resources
        .iter()
        .find(|(_, r)| r["Type"] == "Custom::EventStoreSchema")
        .unwrap()
        .0;
    assert_eq!(source["DependsOn"], json!([schema]));
    let replication = resources
        .iter()
        .find(|(lid, _)| lid.starts_with("EventStoreReplicationSecret"))
        .unwrap()
        .0;
    assert_eq!(
        source["Properties"]["CredentialsSecretArn"],
        json!({"Ref": replication}),
        "Ambar connects as the replication user"
    );
    t.has_resource_properties(
        "Custom::AmbarFilter",
        Match::Literal(json!({"DataSourceId": {"Ref": source_lid}, "Filter": "true"})),
    );
    let filter = resources
        .iter()
        .find(|(_, r)| r["Type"] == "Custom::AmbarFilter")
        .unwrap()
        .0;
    t.has_resource_properties(
        "Custom::AmbarDestination",
        Match::Literal(json!({
            "Endpoint": "https://api.example.com/projections/users",
            "FilterIds": [{"Ref": filter}],
            "DataSourceId": {"Ref": source_lid},
        })),
    );
    for type_name in [
        "Custom::AmbarDataSource",
        "Custom::AmbarFilter",
        "Custom::AmbarDestination",
    ] {
        t.has_resource_properties(type_name, Match::Literal(json!({"ServiceTimeout": 900})));
    }
    t.has_resource_properties(
        "AWS::Lambda::Function",
        Match::Literal(json!({"Handler": "ambar_provider.lambda_handler", "Timeout": 900})),
    );
    // The only CIDR ingress on the event store is Ambar's egress block.
    let cidrs: Vec<&Value> = resources
        .values()
        .filter(|r| r["Type"] == "AWS::EC2::SecurityGroupIngress")
        .filter_map(|r| r["Properties"].get("CidrIp"))
        .collect();
    assert_eq!(cidrs, vec![&json!("203.0.113.10/32")]);
    // The provider may read exactly its four secrets.
    let statements = provider_statements(resources);
    let secrets = statements
        .iter()
        .find(|s| s["Action"] == json!(["secretsmanager:GetSecretValue"]))
        .unwrap();
    assert_eq!(secrets["Resource"].as_array().unwrap().len(), 4);
    // The secrets are on the stack's key: decrypting with it, through Secrets Manager only.
    let key = statements
        .iter()
        .find(|s| s["Action"] == json!(["kms:Decrypt"]))
        .expect("the provider may decrypt the secrets");
    assert_eq!(
        key["Resource"],
        json!([{"Fn::GetAtt": ["StackKey", "Arn"]}])
    );
    assert_eq!(
        key["Condition"]["StringEquals"]["kms:ViaService"],
        json!({"Fn::Sub": "secretsmanager.${AWS::Region}.amazonaws.com"})
    );
    assert_eq!(
        statements.len(),
        3,
        "logs, secrets and their key, nothing else"
    );
    // The services get the HTTP credentials as references to the secrets' keys.
    let env = streaming.environment();
    assert_eq!(env.len(), 2);
    assert!(env
        .iter()
        .all(|(_, v)| matches!(v, EnvValue::Secret { .. })));
}

#[test]
fn a_base_url_known_at_deploy_time_is_substituted() {
    let stack = Stack::new("Shop");
    let s = store(&stack, true);
    let mut p = props(users(), &["203.0.113.10/32"]);
    p.base_url = Some(AmbarStreamingProps::https_host(fns::import_value(
        "Web:Domain",
    )));
    AmbarStreaming::new(&stack.root(), "Streaming", &s, p);
    Template::from_stack(&stack).has_resource_properties(
        "Custom::AmbarDestination",
        Match::Literal(json!({"Endpoint": {"Fn::Sub": [
            "${BaseUrl}/projections/users",
            {"BaseUrl": {"Fn::Sub": ["https://${Host}", {"Host": {"Fn::ImportValue": "Web:Domain"}}]}}
        ]}})),
    );
}

#[test]
fn a_created_api_key_secret_is_named_and_announced() {
    let stack = Stack::new("Shop");
    let s = store(&stack, true);
    let mut p = props(users(), &["203.0.113.10/32"]);
    p.api_key = ApiKey::Create;
    let streaming = AmbarStreaming::new(&stack.root(), "Streaming", &s, p);
    let (_, name) = streaming.created_api_key.clone().unwrap();
    assert_eq!(name, "Shop-Streaming-ApiKey");
    let synthesized = stack.synth().unwrap();
    assert!(synthesized.infos.iter().any(|i| i
        .to_string()
        .contains("aws secretsmanager put-secret-value --secret-id Shop-Streaming-ApiKey")));
}

#[test]
fn no_destination() {
    let e = errors_for(props(vec![], &["203.0.113.10/32"]), true);
    assert!(
        e.contains("error: Shop/Streaming Destinations: no destination"),
        "{e}"
    );
    assert!(e.contains("fix: add at least one Destination::new"), "{e}");
}

#[test]
fn a_duplicate_path() {
    let d = Destination::new("/projections/users", "Users");
    let e = errors_for(props(vec![d.clone(), d], &["203.0.113.10/32"]), true);
    assert!(
        e.contains("Shop/Streaming Destinations: destination `/projections/users` is listed twice"),
        "{e}"
    );
}

#[test]
fn paths_a_url_cannot_carry_as_they_are() {
    let e = errors_for(
        props(
            vec![
                Destination::new("/проекции", "Cyrillic"),
                Destination::new("/projections/users#latest", "A fragment"),
                Destination::new("/projections/orders by date", "A space"),
                Destination::new("https://api.example.com/a%zz", "A bad escape"),
            ],
            &["203.0.113.10/32"],
        ),
        true,
    );
    assert!(
        e.contains("Shop/Streaming Destinations: destination `/проекции` holds `п`, which a URL cannot carry as it is\n  fix: write it percent-encoded (`%D0%BF`)"),
        "{e}"
    );
    assert!(
        e.contains("destination `/projections/users#latest` holds `#`")
            && e.contains("fix: leave the fragment out"),
        "{e}"
    );
    assert!(
        e.contains("destination `/projections/orders by date` holds ` `") && e.contains("(`%20`)"),
        "{e}"
    );
    assert!(
        e.contains("destination `https://api.example.com/a%zz` holds `%`"),
        "{e}"
    );
    // Escapes, queries and the characters RFC 3986 allows pass.
    let stack = Stack::new("Shop");
    let s = store(&stack, true);
    AmbarStreaming::new(
        &stack.root(),
        "Streaming",
        &s,
        props(
            vec![Destination::new(
                "/projections/us%C3%A9rs?v=1&x=a-b_c.d~e",
                "Encoded",
            )],
            &["203.0.113.10/32"],
        ),
    );
    stack
        .synth()
        .expect("a percent-encoded path with a query synthesizes");
}

#[test]
fn more_egress_blocks_than_a_security_group_holds_by_default_is_a_warning() {
    let warnings = |n: usize| {
        let cidrs: Vec<String> = (0..n).map(|i| format!("203.0.113.{i}/32")).collect();
        let cidrs: Vec<&str> = cidrs.iter().map(String::as_str).collect();
        let stack = Stack::new("Shop");
        let s = store(&stack, true);
        AmbarStreaming::new(&stack.root(), "Streaming", &s, props(users(), &cidrs));
        stack
            .synth()
            .expect("a warning does not stop synth")
            .warnings
            .into_iter()
            .map(|d| d.to_string())
            .filter(|d| d.contains("rules per security group"))
            .collect::<Vec<_>>()
    };
    // One inbound rule per block on the event store's group: 60 is the default quota.
    assert_eq!(warnings(60), Vec::<String>::new());
    let w = warnings(61);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].starts_with("warning: Shop/EventStore/SecurityGroup/Resource (")
            && w[0].contains(
                "Properties.SecurityGroupIngress: the security group has 61 inbound IPv4 rules"
            ),
        "{w:?}"
    );
    assert!(w[0].contains("fix: use fewer, wider CIDR blocks"), "{w:?}");
}

#[test]
fn a_path_without_its_slash_and_a_url_that_is_not_https() {
    let e = errors_for(
        props(
            vec![
                Destination::new("projections/users", "Users"),
                Destination::new("http://api.example.com/projections/orders", "Orders"),
            ],
            &["203.0.113.10/32"],
        ),
        true,
    );
    assert!(
        e.contains("destination path `projections/users` does not start with `/`"),
        "{e}"
    );
    assert!(
        e.contains("fix: write the path from the root of base_url"),
        "{e}"
    );
    assert!(
        e.contains(
            "destination `http://api.example.com/projections/orders` is not an https:// URL"
        ),
        "{e}"
    );
}

#[test]
fn a_base_url_that_is_not_https() {
    let mut p = props(users(), &["203.0.113.10/32"]);
    p.base_url = Some("http://api.example.com".into());
    let e = errors_for(p, true);
    assert!(
        e.contains("Shop/Streaming BaseUrl: `http://api.example.com` is not an https:// base URL"),
        "{e}"
    );
}

#[test]
fn an_empty_filter() {
    let e = errors_for(
        props(
            vec![Destination::new("/projections/users", "Users").with_filter("  ")],
            &["203.0.113.10/32"],
        ),
        true,
    );
    assert!(
        e.contains("destination `/projections/users` has an empty filter"),
        "{e}"
    );
}

#[test]
fn egress_wider_than_a_slash_16_or_the_whole_internet() {
    let e = errors_for(props(users(), &["10.0.0.0/8", "0.0.0.0/0"]), true);
    assert!(
        e.contains("EgressCidrs: 10.0.0.0/8 is wider than /16"),
        "{e}"
    );
    assert!(
        e.contains("EgressCidrs: 0.0.0.0/0 would open the event store to the whole internet"),
        "{e}"
    );
    let none = errors_for(props(users(), &[]), true);
    assert!(none.contains("no egress CIDR"), "{none}");
}

#[test]
fn a_private_event_store() {
    let e = errors_for(props(users(), &["203.0.113.10/32"]), false);
    assert!(
        e.contains("error: Shop/Streaming: the event store is not publicly accessible"),
        "{e}"
    );
    assert!(
        e.contains("fix: set AuroraEventStoreProps { publicly_accessible: true, .. }"),
        "{e}"
    );
}

#[test]
fn an_api_host_with_a_scheme() {
    let mut p = props(users(), &["203.0.113.10/32"]);
    p.api_host = "https://euw1.api.ambar.cloud".into();
    let e = errors_for(p, true);
    assert!(
        e.contains("ApiHost: `https://euw1.api.ambar.cloud` is not a bare host name"),
        "{e}"
    );
}

#[test]
fn an_api_key_secret_on_a_key_of_its_own_is_decrypted_with_that_key_only() {
    let key = "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let secret = "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:ambar/api-key-AbCdEf";
    let mut p = props(users(), &["203.0.113.10/32"]);
    p.api_key = ApiKey::EncryptedSecret {
        secret: fns::sub(secret),
        key: fns::sub(key),
    };
    let stack = Stack::new("Shop");
    let s = store(&stack, true);
    let streaming = AmbarStreaming::new(&stack.root(), "Streaming", &s, p);
    assert!(
        streaming.created_api_key.is_none(),
        "no secret is made for a given one"
    );
    let template = Template::from_stack(&stack);
    let json = template.to_json();
    let resources = json["Resources"].as_object().unwrap();
    let statements = provider_statements(resources);
    let reads = statements
        .iter()
        .find(|s| s["Action"] == json!(["secretsmanager:GetSecretValue"]))
        .unwrap();
    assert!(reads["Resource"]
        .as_array()
        .unwrap()
        .contains(&json!({"Fn::Sub": secret})));
    // The stack's own key and the user's, each through Secrets Manager only.
    let decrypts: Vec<_> = statements
        .iter()
        .filter(|s| s["Action"] == json!(["kms:Decrypt"]))
        .collect();
    let keys: Vec<_> = decrypts
        .iter()
        .flat_map(|s| s["Resource"].as_array().unwrap().iter().cloned())
        .collect();
    assert_eq!(
        keys,
        vec![
            json!({"Fn::GetAtt": ["StackKey", "Arn"]}),
            json!({"Fn::Sub": key})
        ],
        "{statements:?}"
    );
    assert!(decrypts
        .iter()
        .all(|s| s["Condition"]["StringEquals"]["kms:ViaService"]
            == json!({"Fn::Sub": "secretsmanager.${AWS::Region}.amazonaws.com"})));
    // The custom resources are handed the user's secret.
    let source = resources
        .values()
        .find(|r| r["Type"] == "Custom::AmbarDataSource")
        .unwrap();
    assert_eq!(
        source["Properties"]["ApiKeySecretArn"],
        json!({"Fn::Sub": secret})
    );
}
