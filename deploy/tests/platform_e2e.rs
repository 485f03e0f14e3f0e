//! The platform (`EventSourcingPlatform`, the seed's complete example) deployed with the real
//! `escdk-deploy` against moto's server: bootstrap, the three stacks in dependency order, a
//! redeploy that changes nothing, and destroy in reverse order keeping what holds data.
//!
//! moto cannot create some of the platform's resources. The test takes exactly those out
//! of the deployed copy of each template (the product's templates are not changed), puts
//! a placeholder wherever the rest referred to them, and says why for each; their
//! templates are checked at synth instead (tests/platform.rs, tests/ecs_services.rs,
//! tests/atlas.rs, cfn-lint and the schemas), and their handlers against real parts
//! (tests/postgres, tests/ses, tests/mongodb).

mod moto;

use escdk_constructs::EventSourcingPlatform;
use escdk_synth::App;
use moto::{assembly, boto3, deploy, moto, run, TempDir};
use serde_json::Value;
use std::collections::BTreeSet;

/// What moto's CloudFormation cannot create, and why.
const MOTO_CANNOT: &[(&str, &str)] = &[
    ("AWS::CloudFormation::TypeActivation", "moto has no CloudFormation registry"),
    ("MongoDB::Atlas::", "third-party registry types: no registry, and no Atlas"),
    ("Custom::", "custom resources: moto would run their Lambda handlers in Docker"),
    ("AWS::CertificateManager::Certificate", "moto's CloudFormation has no ACM: the listeners get one requested from moto's ACM"),
    ("AWS::SES::EmailIdentity", "moto's CloudFormation has no SES v2 identity (its DKIM attributes are read)"),
    ("AWS::RDS::DBCluster", "moto's CloudFormation has no Aurora cluster (its endpoint and secret are read)"),
    ("AWS::RDS::DBInstance", "Aurora instances belong to that cluster"),
    ("AWS::SecretsManager::Secret", "moto's CloudFormation has no secrets (a `Ref` to one is null, and the exports of their ARNs vanish)"),
];

/// A zone id of Route 53's shape, swapped for moto's (whose ids do not start with `Z`).
const SYNTH_ZONE: &str = "Z1D633PJN98FT9";

/// moto's CloudFormation makes every load balancer an application one (it ignores `Type`),
/// and refuses a network load balancer's TCP and TLS listeners.
const NLB_LISTENERS: &str = "AWS::ElasticLoadBalancingV2::Listener with Protocol TCP or TLS";

fn cannot(r: &Value) -> Option<String> {
    let t = r["Type"].as_str().unwrap();
    if MOTO_CANNOT.iter().any(|(prefix, _)| t.starts_with(prefix)) {
        return Some(t.to_string());
    }
    let nlb = t == "AWS::ElasticLoadBalancingV2::Listener"
        && matches!(r["Properties"]["Protocol"].as_str(), Some("TCP" | "TLS"));
    nlb.then(|| NLB_LISTENERS.to_string())
}

/// Replaces `Ref`/`Fn::GetAtt` of a removed resource with a placeholder (the certificate's
/// with moto's certificate), and `${Id}`/`${Id.Attr}` in `Fn::Sub` strings likewise.
fn substitute(
    v: &mut Value,
    removed: &BTreeSet<String>,
    certificates: &BTreeSet<String>,
    certificate: &str,
) {
    let placeholder = |lid: &str| -> Value {
        if certificates.contains(lid) {
            certificate.into()
        } else {
            // URL-shaped: the SRV connection string is split on `//`.
            format!("moto-cannot://{lid}").into()
        }
    };
    match v {
        Value::Object(m) => {
            if let Some(Value::String(lid)) = m.get("Ref") {
                if removed.contains(lid) {
                    *v = placeholder(&lid.clone());
                    return;
                }
            }
            if let Some(Value::Array(a)) = m.get("Fn::GetAtt") {
                if let Some(lid) = a.first().and_then(Value::as_str) {
                    if removed.contains(lid) {
                        *v = placeholder(lid);
                        return;
                    }
                }
            }
            for x in m.values_mut() {
                substitute(x, removed, certificates, certificate);
            }
        }
        Value::Array(a) => a
            .iter_mut()
            .for_each(|x| substitute(x, removed, certificates, certificate)),
        Value::String(s) => {
            for lid in removed {
                for pattern in [format!("${{{lid}}}"), format!("${{{lid}.")] {
                    if let Some(at) = s.find(&pattern) {
                        let end = at + s[at..].find('}').unwrap();
                        s.replace_range(at..=end, &format!("moto-cannot-{lid}"));
                    }
                }
            }
        }
        _ => {}
    }
}

/// The deployable part of a synthesized template: what moto cannot create taken out.
fn for_moto(template: &mut Value, zone: &str, certificate: &str) -> Vec<String> {
    let text = serde_json::to_string(template)
        .unwrap()
        .replace(SYNTH_ZONE, zone);
    *template = serde_json::from_str(&text).unwrap();
    let resources = template["Resources"].as_object_mut().unwrap();
    let removed: BTreeSet<String> = resources
        .iter()
        .filter(|(_, r)| cannot(r).is_some())
        .map(|(lid, _)| lid.clone())
        .collect();
    let certificates: BTreeSet<String> = resources
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::CertificateManager::Certificate")
        .map(|(lid, _)| lid.clone())
        .collect();
    let types: Vec<String> = removed
        .iter()
        .filter_map(|lid| cannot(&resources[lid]))
        .collect();
    for lid in &removed {
        resources.remove(lid);
    }
    for r in resources.values_mut() {
        if let Some(Value::Array(deps)) = r.get_mut("DependsOn") {
            deps.retain(|d| !removed.contains(d.as_str().unwrap()));
        }
    }
    substitute(template, &removed, &certificates, certificate);
    types
}

#[test]
fn the_platform_deploys_in_order_redeploys_as_a_no_op_and_destroys_keeping_its_data() {
    let moto = moto("platform");
    // The account's zone, certificate and GitHub provider exist before the stacks, as on AWS.
    let setup = boto3(
        &moto,
        "z = c('route53').create_hosted_zone(Name='example.com', CallerReference='e2e')\n\
         print(c('acm').request_certificate(DomainName='example.com', SubjectAlternativeNames=['api.example.com'], ValidationMethod='DNS')['CertificateArn'])\n\
         c('iam').create_open_id_connect_provider(Url='https://token.actions.githubusercontent.com', ClientIDList=['sts.amazonaws.com'])\n\
         print(z['HostedZone']['Id'].split('/')[-1])",
    );
    let (certificate, zone) = setup.trim().split_once('\n').unwrap();
    let mut app = App::new();
    EventSourcingPlatform::new(
        &mut app,
        escdk_examples::platform::props(&["203.0.113.0/28"]),
    );
    let dir = TempDir::new("platform-assembly");
    assembly(&dir.0, &app);
    let mut taken_out = BTreeSet::new();
    for name in [
        "AtlasActivation",
        "production-PlatformData",
        "production-PlatformServices",
    ] {
        let path = dir.0.join(format!("{name}.template.json"));
        let mut t: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        taken_out.extend(for_moto(&mut t, zone, certificate));
        std::fs::write(&path, serde_json::to_string_pretty(&t).unwrap()).unwrap();
    }
    eprintln!("taken out for moto: {taken_out:?}");

    assert_eq!(run(&moto, &dir.0, &["bootstrap"]).code, 0);
    // The data stack, and the activation stack it depends on, first.
    let r = deploy(&moto, &dir.0, &["production-PlatformData"]);
    assert_eq!(r.code, 0, "{}\nmoto's log:\n{}", r.err, moto.log());
    assert!(
        r.out.find("deploying AtlasActivation") < r.out.find("deploying production-PlatformData")
    );
    // moto's change sets neither record a stack's outputs nor register its exports (its
    // execute_change_set does not), so `Fn::ImportValue` fails there: the services stack's
    // imports are resolved in the deployed copy, each export's value evaluated from what
    // moto created (boto3). That every import names an export of an earlier stack is
    // asserted at synth (tests/platform.rs), and imports through deploy in e2e.rs.
    let data_path = dir.0.join("production-PlatformData.template.json");
    let data: Value = serde_json::from_str(&std::fs::read_to_string(&data_path).unwrap()).unwrap();
    let exports: serde_json::Map<String, Value> = data["Outputs"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(|o| {
            Some((
                o["Export"]["Name"].as_str()?.to_string(),
                o["Value"].clone(),
            ))
        })
        .collect();
    let values = boto3(
        &moto,
        &format!(
            "exports = json.loads({:?})\n\
             res = {{r['LogicalResourceId']: r for r in c('cloudformation').list_stack_resources(StackName='production-PlatformData')['StackResourceSummaries']}}\n\
             def ev(v):\n\
             \x20   if isinstance(v, str): return v\n\
             \x20   if 'Ref' in v: return res[v['Ref']]['PhysicalResourceId']\n\
             \x20   lid, attr = v['Fn::GetAtt']\n\
             \x20   r = res[lid]; t = r['ResourceType']; p = r['PhysicalResourceId']\n\
             \x20   if t == 'AWS::ECR::Repository':\n\
             \x20       repo = c('ecr').describe_repositories(repositoryNames=[p])['repositories'][0]\n\
             \x20       return repo['repositoryArn' if attr == 'Arn' else 'repositoryUri']\n\
             \x20   if t == 'AWS::S3::Bucket' and attr == 'Arn': return 'arn:aws:s3:::' + p\n\
             \x20   if t == 'AWS::EC2::SecurityGroup' and attr == 'GroupId':\n\
             \x20       return c('ec2').describe_security_groups(GroupIds=[p])['SecurityGroups'][0]['GroupId']\n\
             \x20   if t == 'AWS::KMS::Key' and attr == 'Arn':\n\
             \x20       return next(k['KeyArn'] for k in c('kms').list_keys()['Keys'] if p in (k['KeyId'], k['KeyArn']))\n\
             \x20   raise Exception(f'{{t}}.{{attr}}')\n\
             print(json.dumps({{k: ev(v) for k, v in exports.items()}}))",
            serde_json::to_string(&exports).unwrap()
        ),
    );
    let values: Value = serde_json::from_str(values.trim()).unwrap();
    let services_path = dir.0.join("production-PlatformServices.template.json");
    let mut t: Value =
        serde_json::from_str(&std::fs::read_to_string(&services_path).unwrap()).unwrap();
    let mut resolved = 0;
    fn resolve(v: &mut Value, values: &Value, resolved: &mut usize) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(name)) = m.get("Fn::ImportValue") {
                    let value = values[name.as_str()].clone();
                    assert!(
                        value.is_string(),
                        "{name} is not exported by the data stack"
                    );
                    *v = value;
                    *resolved += 1;
                    return;
                }
                m.values_mut().for_each(|x| resolve(x, values, resolved));
            }
            Value::Array(a) => a.iter_mut().for_each(|x| resolve(x, values, resolved)),
            _ => {}
        }
    }
    resolve(&mut t, &values, &mut resolved);
    assert!(resolved > 20, "{resolved}");
    std::fs::write(&services_path, serde_json::to_string_pretty(&t).unwrap()).unwrap();

    // The whole app: the first two stacks are unchanged, the services stack is created.
    let r = deploy(&moto, &dir.0, &[]);
    assert_eq!(r.code, 0, "{}\nmoto's log:\n{}", r.err, moto.log());
    assert!(
        r.out
            .contains("production-PlatformServices: CREATE_COMPLETE"),
        "{}",
        r.out
    );

    // What moto models, read back with boto3.
    let found = boto3(
        &moto,
        "print(sorted(r['repositoryName'] for r in c('ecr').describe_repositories()['repositories']))\n\
         ecs = c('ecs')\n\
         (cluster,) = ecs.list_clusters()['clusterArns']\n\
         services = ecs.describe_services(cluster=cluster, services=ecs.list_services(cluster=cluster)['serviceArns'])['services']\n\
         tds = [ecs.describe_task_definition(taskDefinition=s['taskDefinition'])['taskDefinition'] for s in services]\n\
         print(sorted((t['containerDefinitions'][0]['portMappings'][0]['containerPort'], t['memory']) for t in tds))\n\
         print(len(c('s3').list_buckets()['Buckets']))",
    );
    let lines: Vec<&str> = found.lines().collect();
    assert_eq!(
        lines,
        [
            "['production-event-sourcing-app-backend', 'production-event-sourcing-app-frontend']",
            "[(3000, '1024'), (8080, '512')]",
            // Bootstrap, blob storage and its access logs, and both load balancers' access
            // logs.
            "5",
        ],
        "{found}"
    );

    // A redeploy with nothing changed changes nothing.
    let r = deploy(&moto, &dir.0, &[]);
    assert_eq!(r.code, 0, "{}", r.err);
    for stack in [
        "AtlasActivation",
        "production-PlatformData",
        "production-PlatformServices",
    ] {
        assert!(
            r.out.contains(&format!("{stack}: no changes")),
            "{stack}: {}",
            r.out
        );
    }

    // A stack pinned to another region is refused before anything is done.
    let r = run(&moto, &dir.0, &["--region", "eu-west-1", "diff"]);
    assert_eq!(r.code, 1);
    assert!(
        r.err.contains(
            "is for us-east-1 (its StackProps env), and this session's region is eu-west-1"
        ),
        "{}",
        r.err
    );

    // Destroy, dependents first: the services stack, then the data stack, then the
    // activation stack. moto's CloudFormation has no delete for route tables, gateway
    // endpoints and NAT gateways (moto 5.2.5: no `delete_from_cloudformation_json` on
    // them), so its DeleteStack would stop at the VPC with a DependencyViolation: once the
    // services stack is gone, the test deletes those three through the EC2 API, as
    // CloudFormation would, and then destroys the rest.
    let r = run(
        &moto,
        &dir.0,
        &["destroy", "production-PlatformServices", "--force"],
    );
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.out.contains("Alerts/Topic/Key, Retain"),
        "the topic's key is kept: {}",
        r.out
    );
    boto3(
        &moto,
        "e = c('ec2')\n\
         vpcs = [v['VpcId'] for v in e.describe_vpcs()['Vpcs'] if not v['IsDefault']]\n\
         only = [{'Name': 'vpc-id', 'Values': vpcs}]\n\
         for p in e.describe_vpc_endpoints(Filters=only)['VpcEndpoints']:\n\
         \x20   e.delete_vpc_endpoints(VpcEndpointIds=[p['VpcEndpointId']])\n\
         for n in e.describe_nat_gateways(Filters=only)['NatGateways']:\n\
         \x20   e.delete_nat_gateway(NatGatewayId=n['NatGatewayId'])\n\
         \x20   for a in n['NatGatewayAddresses']:\n\
         \x20       e.disassociate_address(AssociationId=a['AssociationId'])\n\
         \x20       e.delete_network_interface(NetworkInterfaceId=a['NetworkInterfaceId'])\n\
         for t in e.describe_route_tables(Filters=only)['RouteTables']:\n\
         \x20   if not any(a.get('Main') for a in t['Associations']):\n\
         \x20       e.delete_route_table(RouteTableId=t['RouteTableId'])",
    );
    let r = run(&moto, &dir.0, &["destroy", "--force"]);
    assert_eq!(r.code, 0, "{}\nmoto's log:\n{}", r.err, moto.log());
    let data_at = r
        .out
        .find("production-PlatformData: deleted")
        .expect("data deleted");
    let activation_at = r
        .out
        .find("AtlasActivation: deleted")
        .expect("activation deleted");
    assert!(data_at < activation_at, "reverse order:\n{}", r.out);
    let left = boto3(
        &moto,
        "print(sorted(s['StackName'] for s in c('cloudformation').describe_stacks()['Stacks']))\n\
         print(sorted(r['repositoryName'] for r in c('ecr').describe_repositories()['repositories']))\n\
         print(len(c('s3').list_buckets()['Buckets']))",
    );
    let lines: Vec<&str> = left.lines().collect();
    assert_eq!(
        lines,
        [
            "['EscdkBootstrap']",
            "['production-event-sourcing-app-backend', 'production-event-sourcing-app-frontend']",
            // Bootstrap's, and the kept blob store and the three buckets of access logs.
            "5",
        ],
        "{left}"
    );
}
