//! Each rule against a resource that fails it and one that passes it; every rule has both.

use super::check::Subject;
use super::RULES;
use serde_json::{json, Value};

/// `(rule id, failing template, passing template)`; the resource under test is `R`.
fn cases() -> Vec<(&'static str, Value, Value)> {
    let one = |t: &str, props: Value| json!({"Resources": {"R": {"Type": t, "Properties": props}}});
    let with = |t: &str, props: Value, extra: Value| {
        let mut v = one(t, props);
        if let (Some(r), Some(e)) = (v["Resources"].as_object_mut(), extra.as_object()) {
            for (k, x) in e {
                r.insert(k.clone(), x.clone());
            }
        }
        v
    };
    let arn = json!({"Fn::GetAtt": ["K", "Arn"]});
    let deny_insecure = |resource: Value| {
        json!({"Effect": "Deny", "Principal": "*", "Action": ["sqs:*"], "Resource": [resource],
               "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    };
    let role_with = |statement: Value| {
        json!({"AssumeRolePolicyDocument": {}, "Policies": [{"PolicyName": "Grants",
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]}}]})
    };
    let function = json!({"Role": {"Fn::GetAtt": ["Role", "Arn"]}, "Runtime": "python3.12"});
    let rule_target = json!({"Rule": {"Type": "AWS::Events::Rule", "Properties": {
        "Targets": [{"Id": "T", "Arn": {"Fn::GetAtt": ["R", "Arn"]}}]}}});
    let writer_role = json!({"Role": {"Type": "AWS::IAM::Role", "Properties": role_with(
        json!({"Effect": "Allow", "Action": ["dynamodb:PutItem"], "Resource": ["arn:t"]}))}});
    let mut retained = one("AWS::SQS::Queue", json!({}));
    retained["Resources"]["R"]["DeletionPolicy"] = json!("RetainExceptOnCreate");
    let mut snapshotted = one("AWS::RDS::DBCluster", json!({}));
    snapshotted["Resources"]["R"]["DeletionPolicy"] = json!("Snapshot");
    vec![
        (
            "ESCDK-DDB-CMK",
            one(
                "AWS::DynamoDB::Table",
                json!({"SSESpecification": {"SSEEnabled": true}}),
            ),
            one(
                "AWS::DynamoDB::Table",
                json!({"SSESpecification": {"SSEEnabled": true, "SSEType": "KMS", "KMSMasterKeyId": arn}}),
            ),
        ),
        (
            "ESCDK-LOGS-CMK",
            one("AWS::Logs::LogGroup", json!({"RetentionInDays": 30})),
            one("AWS::Logs::LogGroup", json!({"KmsKeyId": arn})),
        ),
        (
            "ESCDK-SECRET-CMK",
            one("AWS::SecretsManager::Secret", json!({})),
            one("AWS::SecretsManager::Secret", json!({"KmsKeyId": arn})),
        ),
        (
            "ESCDK-SQS-ENCRYPTED",
            one("AWS::SQS::Queue", json!({"SqsManagedSseEnabled": false})),
            one("AWS::SQS::Queue", json!({"SqsManagedSseEnabled": true})),
        ),
        (
            "ESCDK-SNS-ENCRYPTED",
            one("AWS::SNS::Topic", json!({})),
            one("AWS::SNS::Topic", json!({"KmsMasterKeyId": arn})),
        ),
        (
            "ESCDK-TLS-ONLY",
            with(
                "AWS::SQS::Queue",
                json!({}),
                json!({"P": {"Type": "AWS::SQS::QueuePolicy", "Properties": {
                "Queues": [{"Ref": "R"}], "PolicyDocument": {"Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": ["sqs:SendMessage"],
                     "Resource": [{"Fn::GetAtt": ["R", "Arn"]}]}]}}}}),
            ),
            with(
                "AWS::SQS::Queue",
                json!({}),
                json!({"P": {"Type": "AWS::SQS::QueuePolicy", "Properties": {
                "Queues": [{"Ref": "R"}], "PolicyDocument": {"Statement": [
                    deny_insecure(json!({"Fn::GetAtt": ["R", "Arn"]}))]}}}}),
            ),
        ),
        (
            "ESCDK-IAM-WILDCARD",
            one(
                "AWS::IAM::Role",
                role_with(json!({"Effect": "Allow", "Action": ["s3:*"], "Resource": ["arn:b"]})),
            ),
            one(
                "AWS::IAM::Role",
                role_with(
                    json!({"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken"], "Resource": ["*"]}),
                ),
            ),
        ),
        (
            "ESCDK-PUBLIC-INGRESS",
            one(
                "AWS::EC2::SecurityGroup",
                json!({"GroupDescription": "g", "SecurityGroupIngress": [
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}]}),
            ),
            one(
                "AWS::EC2::SecurityGroup",
                json!({"GroupDescription": "g", "SecurityGroupIngress": [
                {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "CidrIp": "10.0.0.0/16"}]}),
            ),
        ),
        (
            "ESCDK-RDS-PRIVATE",
            one(
                "AWS::RDS::DBInstance",
                json!({"DBInstanceClass": "db.r6g.large"}),
            ),
            one("AWS::RDS::DBInstance", json!({"PubliclyAccessible": false})),
        ),
        (
            "ESCDK-LB-TLS",
            one(
                "AWS::ElasticLoadBalancingV2::Listener",
                json!({"Protocol": "HTTP", "DefaultActions": [{"Type": "forward"}]}),
            ),
            one(
                "AWS::ElasticLoadBalancingV2::Listener",
                json!({"Protocol": "HTTPS", "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"}),
            ),
        ),
        (
            "ESCDK-LB-ACCESS-LOGS",
            one("AWS::ElasticLoadBalancingV2::LoadBalancer", json!({})),
            one(
                "AWS::ElasticLoadBalancingV2::LoadBalancer",
                json!({"LoadBalancerAttributes": [
                {"Key": "access_logs.s3.enabled", "Value": "true"}]}),
            ),
        ),
        ("ESCDK-RETAIN", one("AWS::SQS::Queue", json!({})), retained),
        (
            "ESCDK-LOG-RETENTION",
            one("AWS::Logs::LogGroup", json!({})),
            one("AWS::Logs::LogGroup", json!({"RetentionInDays": 30})),
        ),
        (
            "ESCDK-RDS-ENCRYPTED",
            one("AWS::RDS::DBCluster", json!({})),
            one("AWS::RDS::DBCluster", json!({"StorageEncrypted": true})),
        ),
        (
            "ESCDK-RDS-BACKUP",
            one("AWS::RDS::DBCluster", json!({"BackupRetentionPeriod": 1})),
            one("AWS::RDS::DBCluster", json!({"BackupRetentionPeriod": 7})),
        ),
        (
            "ESCDK-RDS-PROTECTED",
            one("AWS::RDS::DBCluster", json!({})),
            snapshotted,
        ),
        (
            "ESCDK-RDS-IAM-AUTH",
            one("AWS::RDS::DBCluster", json!({})),
            one(
                "AWS::RDS::DBCluster",
                json!({"EnableIAMDatabaseAuthentication": true}),
            ),
        ),
        (
            "ESCDK-RDS-MONITORING",
            one("AWS::RDS::DBInstance", json!({"MonitoringInterval": 0})),
            one(
                "AWS::RDS::DBInstance",
                json!({"MonitoringInterval": 60, "MonitoringRoleArn": arn}),
            ),
        ),
        (
            "ESCDK-LAMBDA-ASYNC-FAILURES",
            with(
                "AWS::Lambda::Function",
                function.clone(),
                rule_target.clone(),
            ),
            with(
                "AWS::Lambda::Function",
                function.clone(),
                json!({
                "Rule": rule_target["Rule"],
                "Invoke": {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {
                    "FunctionName": {"Ref": "R"}, "Qualifier": "$LATEST",
                    "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": ["Q", "Arn"]}}}}}}),
            ),
        ),
        (
            "ESCDK-LAMBDA-CONCURRENCY",
            with(
                "AWS::Lambda::Function",
                function.clone(),
                writer_role.clone(),
            ),
            with(
                "AWS::Lambda::Function",
                {
                    let mut f = function.clone();
                    f["ReservedConcurrentExecutions"] = json!(5);
                    f
                },
                writer_role,
            ),
        ),
        (
            "ESCDK-S3-VERSIONING",
            one("AWS::S3::Bucket", json!({})),
            one(
                "AWS::S3::Bucket",
                json!({"VersioningConfiguration": {"Status": "Enabled"}}),
            ),
        ),
        (
            "ESCDK-S3-PUBLIC-ACCESS",
            one(
                "AWS::S3::Bucket",
                json!({"PublicAccessBlockConfiguration": {"BlockPublicAcls": true}}),
            ),
            one(
                "AWS::S3::Bucket",
                json!({"PublicAccessBlockConfiguration": {"BlockPublicAcls": true,
                "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true}}),
            ),
        ),
        (
            "ESCDK-ECR-SCAN",
            one("AWS::ECR::Repository", json!({})),
            one(
                "AWS::ECR::Repository",
                json!({"ImageScanningConfiguration": {"ScanOnPush": true}}),
            ),
        ),
        (
            "ESCDK-ECR-IMMUTABLE",
            one(
                "AWS::ECR::Repository",
                json!({"ImageTagMutability": "MUTABLE"}),
            ),
            one(
                "AWS::ECR::Repository",
                json!({"ImageTagMutability": "IMMUTABLE"}),
            ),
        ),
    ]
}

fn outcome(id: &str, template: &Value) -> Option<String> {
    let template = &crate::node::Node::from(template);
    let rule = super::rule(id).unwrap_or_else(|| panic!("{id} is a rule"));
    let resource = &template["Resources"]["R"];
    assert!(
        rule.types.contains(&resource["Type"].as_str().unwrap()),
        "{id} looks at {}",
        resource["Type"]
    );
    (rule.check)(&Subject {
        logical_id: "R",
        path: "Test/R",
        resource,
        template,
        referrers: &super::Referrers::of(template),
    })
}

#[test]
fn every_rule_fails_what_it_should_and_passes_what_it_should() {
    for (id, failing, passing) in cases() {
        assert!(
            outcome(id, &failing).is_some(),
            "{id} should fail {failing}"
        );
        assert_eq!(outcome(id, &passing), None, "{id} should pass {passing}");
    }
}

#[test]
fn every_rule_has_a_case_and_a_unique_id() {
    let covered: Vec<&str> = cases().iter().map(|c| c.0).collect();
    for (i, rule) in RULES.iter().enumerate() {
        assert!(covered.contains(&rule.id), "{} has no test case", rule.id);
        assert!(rule.id.starts_with("ESCDK-"), "{}", rule.id);
        assert!(
            RULES[..i].iter().all(|r| r.id != rule.id),
            "{} is listed twice",
            rule.id
        );
        assert!(
            !rule.explanation.is_empty() && !rule.fix.is_empty(),
            "{}",
            rule.id
        );
    }
}

#[test]
fn a_wildcard_resource_is_refused_for_scopable_actions_and_an_allow_with_not_action_too() {
    let role = |st: Value| {
        json!({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"Policies": [
            {"PolicyName": "P", "PolicyDocument": {"Statement": [st]}}]}}}})
    };
    let any = outcome(
        "ESCDK-IAM-WILDCARD",
        &role(json!({"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": "*"})),
    )
    .unwrap();
    assert!(
        any.contains("`dynamodb:GetItem` on every resource"),
        "{any}"
    );
    let not_action = outcome(
        "ESCDK-IAM-WILDCARD",
        &role(json!({"Effect": "Allow", "NotAction": ["iam:*"], "Resource": ["arn:x"]})),
    )
    .unwrap();
    assert!(not_action.contains("NotAction"), "{not_action}");
    // A Deny may be as wide as it likes.
    assert_eq!(
        outcome(
            "ESCDK-IAM-WILDCARD",
            &role(json!({"Effect": "Deny", "Action": ["*"], "Resource": "*"}))
        ),
        None
    );
}

#[test]
fn an_aurora_instance_may_go_with_its_stack_a_standalone_database_may_not() {
    let instance = |props: Value| json!({"Resources": {"R": {"Type": "AWS::RDS::DBInstance", "Properties": props}}});
    assert_eq!(
        outcome(
            "ESCDK-RETAIN",
            &instance(json!({"DBClusterIdentifier": {"Ref": "C"}}))
        ),
        None
    );
    assert!(outcome("ESCDK-RETAIN", &instance(json!({"Engine": "postgres"}))).is_some());
}

#[test]
fn a_function_nothing_invokes_asynchronously_needs_no_failure_destination() {
    let t = json!({"Resources": {"R": {"Type": "AWS::Lambda::Function", "Properties": {}},
        "Map": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {"FunctionName": {"Ref": "R"}}}}});
    assert_eq!(outcome("ESCDK-LAMBDA-ASYNC-FAILURES", &t), None);
}

/// Finds the answers for `template` and writes them, as a synth does.
fn answer(template: &mut Value, suppressions: &[super::suppress::Suppression]) {
    let mut tree = crate::node::Node::from(&*template);
    let found = {
        let referrers = super::Referrers::of(&tree);
        let asked = super::answers::find(&tree, &referrers, suppressions, None);
        // A synth gives what its run of the rules found instead of asking each rule again.
        let (_, failed) = super::check::check_all(
            &tree,
            &referrers,
            suppressions,
            super::Mode::Default,
            &mut Vec::new(),
        );
        let from_run = super::answers::find(&tree, &referrers, suppressions, Some(&failed));
        assert_eq!(
            asked, from_run,
            "the rules' run and the rules asked again disagree"
        );
        asked
    };
    super::answers::write(&mut tree, found);
    *template = Value::from(&tree);
}

/// The checkov skips the answers add to `R`: (id, comment).
fn answered(mut template: Value) -> Vec<(String, String)> {
    answer(&mut template, &[]);
    template["Resources"]["R"]["Metadata"]["checkov"]["skip"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                s["comment"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_queue_encrypted_by_sqs_answers_ckv_aws_27_and_an_unencrypted_or_kms_one_does_not() {
    let queue = |props: Value| json!({"Resources": {"R": {"Type": "AWS::SQS::Queue", "Properties": props}}});
    let a = answered(queue(json!({"SqsManagedSseEnabled": true})));
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0].0, "CKV_AWS_27");
    assert!(a[0].1.contains("SqsManagedSseEnabled"), "{a:?}");
    // Unencrypted: our rule fails too, nothing is answered.
    assert!(answered(queue(json!({}))).is_empty());
    // On a KMS key checkov passes by itself.
    assert!(answered(queue(json!({"KmsMasterKeyId": "alias/k"}))).is_empty());
}

#[test]
fn ckv_aws_116_is_answered_only_where_failures_are_kept_or_nothing_invokes_asynchronously() {
    let function = json!({"Type": "AWS::Lambda::Function", "Properties": {}});
    let with = |other: Value| {
        let mut t = json!({"Resources": {"R": function.clone()}});
        for (k, v) in other.as_object().unwrap() {
            t["Resources"][k] = v.clone();
        }
        t
    };
    let ids = |a: &[(String, String)]| a.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
    let rule = json!({"Type": "AWS::Events::Rule", "Properties": {"Targets": [{"Id": "T", "Arn": {"Fn::GetAtt": ["R", "Arn"]}}]}});
    // A rule target without a destination: our rule fails, CKV_AWS_116 stays unanswered.
    assert!(!ids(&answered(with(json!({"Rule": rule})))).contains(&"CKV_AWS_116".into()));
    // With an on-failure destination it is answered, naming the destination.
    let config = json!({"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {"FunctionName": {"Ref": "R"},
        "Qualifier": "$LATEST", "DestinationConfig": {"OnFailure": {"Destination": "arn:q"}}}});
    let a = answered(with(json!({"Rule": rule, "Config": config})));
    let c = &a.iter().find(|x| x.0 == "CKV_AWS_116").expect("answered").1;
    assert!(c.contains("OnFailure destination"), "{c}");
    // A custom resource's provider: CloudFormation's wait is where its failures show.
    let custom = json!({"Type": "Custom::Thing", "Properties": {"ServiceToken": {"Fn::GetAtt": ["R", "Arn"]}}});
    let a = answered(with(json!({"Thing": custom})));
    let c = &a.iter().find(|x| x.0 == "CKV_AWS_116").expect("answered").1;
    assert!(
        c.contains("CloudFormation invokes it for custom resources"),
        "{c}"
    );
    // A dead-letter queue already satisfies checkov: nothing written.
    let mut dlq = with(json!({}));
    dlq["Resources"]["R"]["Properties"]["DeadLetterConfig"] = json!({"TargetArn": "arn:q"});
    assert!(!ids(&answered(dlq)).contains(&"CKV_AWS_116".into()));
}

#[test]
fn ckv_aws_115_is_answered_for_a_function_writing_no_table_and_never_for_a_writer() {
    let t = |action: &str| {
        json!({"Resources": {
            "R": {"Type": "AWS::Lambda::Function", "Properties": {"Role": {"Fn::GetAtt": ["Role", "Arn"]}}},
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"Policies": [{"PolicyName": "G",
                "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": [action], "Resource": ["arn:t"]}]}}]}}}})
    };
    let reader = answered(t("dynamodb:GetItem"));
    assert!(
        reader
            .iter()
            .any(|x| x.0 == "CKV_AWS_115" && x.1.contains("writes to no table")),
        "{reader:?}"
    );
    assert!(!answered(t("dynamodb:PutItem"))
        .iter()
        .any(|x| x.0 == "CKV_AWS_115"));
}

#[test]
fn a_suppression_of_the_rule_replaces_the_answer() {
    let mut t = json!({"Resources": {"R": {"Type": "AWS::SQS::Queue", "Properties": {"SqsManagedSseEnabled": true},
        "Metadata": {"escdk:path": "S/R"}}}});
    let s = super::suppress::Suppression::for_test(
        "ESCDK-SQS-ENCRYPTED",
        "a reason of its own here",
        "R",
    );
    answer(&mut t, &[s]);
    assert_eq!(t["Resources"]["R"]["Metadata"]["checkov"], Value::Null);
}

#[test]
fn the_referrers_index_reads_every_form_of_reference_once_and_never_the_resource_itself() {
    let t = json!({"Resources": {
        "T": {"Type": "X", "Properties": {"Me": {"Ref": "T"}}},
        "ByRef": {"Type": "X", "Properties": {"A": {"Ref": "T"}, "B": [{"Ref": "T"}]}},
        "ByAtt": {"Type": "X", "Properties": {"A": {"Fn::GetAtt": ["T", "Arn"]}}},
        "BySubAttr": {"Type": "X", "Properties": {"A": {"Fn::Sub": "arn:${T.Arn}/x"}}},
        "BySubList": {"Type": "X", "Properties": {"A": {"Fn::Sub": ["${T}-${Other}", {"Other": "v"}]}}},
        "BySubVar": {"Type": "X", "Properties": {"A": {"Fn::Sub": ["${V}", {"V": {"Ref": "T"}}]}}},
        "InMetadata": {"Type": "X", "Properties": {}, "Metadata": {"A": {"Ref": "T"}}},
        "Elsewhere": {"Type": "X", "Properties": {"A": {"Ref": "AWS::Region"}, "B": {"Fn::Sub": "${Tx}"}}}
    }});
    let t = crate::node::Node::from(t);
    let index = super::Referrers::of(&t);
    let subject = Subject {
        logical_id: "T",
        path: "S/T",
        resource: &t["Resources"]["T"],
        template: &t,
        referrers: &index,
    };
    let found: Vec<&str> = subject.referrers().map(|(l, _)| l).collect();
    assert_eq!(
        found,
        ["ByRef", "ByAtt", "BySubAttr", "BySubList", "BySubVar"]
    );
}
