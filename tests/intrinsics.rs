//! Each intrinsic function renders to CloudFormation's form, and resolves only what exists.

use escdk_synth::cfn::sqs::CfnQueue;
use escdk_synth::{fns, Json, Output, Parameter, Pseudo, Stack};
use serde_json::json;

/// Renders `value` as an output of a stack that has a queue `Q`, a parameter `P`, a
/// condition `C` and a mapping `M`, and returns the output's JSON value.
fn render(
    f: impl FnOnce(
        &escdk_synth::Handle<CfnQueue>,
        &escdk_synth::ParamHandle,
        &escdk_synth::ConditionHandle,
    ) -> Json,
) -> serde_json::Value {
    let stack = Stack::new("I");
    let q = stack.root().add("Q", CfnQueue::default());
    let p = stack.add_parameter("P", Parameter::string());
    let c = stack.add_condition("C", fns::equals(p.reference(), "x"));
    stack.add_mapping("M", Json::from(json!({ "a": { "b": "c" } })));
    let v = f(&q, &p, &c);
    stack.add_output("O", Output::new(v));
    stack.synth().expect("valid").template()["Outputs"]["O"]["Value"].clone()
}

#[test]
fn ref_and_get_att_come_from_handles() {
    assert_eq!(
        render(|q, _, _| q.reference().into()),
        json!({ "Ref": "Q" })
    );
    assert_eq!(
        render(|q, _, _| q.attr_arn().into()),
        json!({ "Fn::GetAtt": ["Q", "Arn"] })
    );
    assert_eq!(
        render(|_, p, _| p.reference().into()),
        json!({ "Ref": "P" })
    );
    assert_eq!(
        render(|_, _, _| Pseudo::AccountId.into()),
        json!({ "Ref": "AWS::AccountId" })
    );
    assert_eq!(
        render(|_, _, _| Pseudo::UrlSuffix.into()),
        json!({ "Ref": "AWS::URLSuffix" })
    );
}

#[test]
fn functions_render_in_cloudformation_form() {
    assert_eq!(
        render(|_, _, _| fns::sub("${AWS::Region}-x").into()),
        json!({ "Fn::Sub": "${AWS::Region}-x" })
    );
    // A literal (an existing secret's ARN) has nothing to substitute: the plain string, as
    // cfn-lint's W1020 asks; so is a template with only escaped `${!x}`, as the text
    // CloudFormation makes of it (`${x}`), and one with a variable beside it stays a Sub.
    assert_eq!(
        render(|_, _, _| fns::sub("arn:aws:sns:us-east-1:123456789012:t").into()),
        json!("arn:aws:sns:us-east-1:123456789012:t")
    );
    assert_eq!(
        render(|_, _, _| fns::sub("${!x}-${!y}").into()),
        json!("${x}-${y}")
    );
    assert_eq!(
        render(|_, _, _| fns::sub("${!x}-${AWS::Region}").into()),
        json!({ "Fn::Sub": "${!x}-${AWS::Region}" })
    );
    // A string where an expression is taken is literal text: plain, or with any `${`
    // escaped, so CloudFormation writes it as given and substitutes nothing.
    assert_eq!(
        render(|_, _, _| escdk_synth::Expr::from("arn:aws:sns:us-east-1:123456789012:t").into()),
        json!("arn:aws:sns:us-east-1:123456789012:t")
    );
    assert_eq!(
        render(|_, _, _| escdk_synth::Expr::from(String::from("a-${AWS::Region}")).into()),
        json!("a-${AWS::Region}")
    );
    assert_eq!(
        render(|q, _, _| fns::sub_with("${A}/*", [("A", q.attr_arn())]).into()),
        json!({ "Fn::Sub": ["${A}/*", { "A": { "Fn::GetAtt": ["Q", "Arn"] } }] })
    );
    assert_eq!(
        render(|q, _, _| fns::join(",", vec![Json::from("a"), q.reference().into()]).into()),
        json!({ "Fn::Join": [",", ["a", { "Ref": "Q" }]] })
    );
    assert_eq!(
        render(|_, _, _| fns::select(1, fns::get_azs(Pseudo::Region)).into()),
        json!({ "Fn::Select": [1, { "Fn::GetAZs": { "Ref": "AWS::Region" } }] })
    );
    // An output is a string: a list (Fn::Split, Fn::Cidr) is rendered within one.
    assert_eq!(
        render(|_, _, _| fns::select(0, fns::split(",", "a,b")).into()),
        json!({ "Fn::Select": [0, { "Fn::Split": [",", "a,b"] }] })
    );
    assert_eq!(
        render(|_, _, c| fns::if_(c, "yes", Pseudo::NoValue).into()),
        json!({ "Fn::If": ["C", "yes", { "Ref": "AWS::NoValue" }] })
    );
    assert_eq!(
        render(|_, _, _| fns::find_in_map("M", "a", "b").into()),
        json!({ "Fn::FindInMap": ["M", "a", "b"] })
    );
    assert_eq!(
        render(|_, _, _| fns::import_value("Shared-Vpc").into()),
        json!({ "Fn::ImportValue": "Shared-Vpc" })
    );
    assert_eq!(
        render(|_, _, _| fns::base64("hi").into()),
        json!({ "Fn::Base64": "hi" })
    );
    assert_eq!(
        render(|_, _, _| fns::join(",", fns::cidr("10.0.0.0/16", 6, 8)).into()),
        json!({ "Fn::Join": [",", { "Fn::Cidr": ["10.0.0.0/16", 6, 8] }] })
    );
}

#[test]
fn condition_functions_render() {
    let stack = Stack::new("Conds");
    let p = stack.add_parameter(
        "Env",
        Parameter {
            allowed_values: vec!["dev".into(), "prod".into()],
            default: Some("dev".into()),
            ..Parameter::string()
        },
    );
    let prod = stack.add_condition("IsProd", fns::equals(p.reference(), "prod"));
    let dev = stack.add_condition("IsDev", fns::not(prod.expr()));
    stack.add_condition("Either", fns::or([prod.expr(), dev.expr()]));
    stack.add_condition("Both", fns::and([prod.expr(), dev.expr()]));
    let t = stack.synth().expect("valid").template().clone();
    assert_eq!(
        t["Conditions"]["IsDev"],
        json!({ "Fn::Not": [{ "Condition": "IsProd" }] })
    );
    assert_eq!(
        t["Conditions"]["Either"],
        json!({ "Fn::Or": [{ "Condition": "IsProd" }, { "Condition": "IsDev" }] })
    );
    assert_eq!(
        t["Conditions"]["Both"],
        json!({ "Fn::And": [{ "Condition": "IsProd" }, { "Condition": "IsDev" }] })
    );
    assert_eq!(
        t["Parameters"]["Env"],
        json!({ "Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"] })
    );
}

#[test]
fn references_to_undeclared_things_fail() {
    let stack = Stack::new("Missing");
    stack.add_output("O", Output::new(fns::find_in_map("Nope", "a", "b")));
    let e = stack.synth().unwrap_err().to_string();
    assert!(
        e.contains("`Fn::FindInMap` on `Nope`, which is not a mapping of this stack"),
        "{e}"
    );

    let other = Stack::new("Other");
    let cond = other.add_condition("C", fns::equals("a", "a"));
    let stack = Stack::new("Missing");
    stack.add_output("O", Output::new(fns::if_(&cond, "a", "b")));
    let e = stack.synth().unwrap_err().to_string();
    assert!(
        e.contains("refers to `C` of another stack, which cannot be imported"),
        "{e}"
    );
}

#[test]
fn outputs_export_and_condition() {
    let stack = Stack::new("Out");
    let q = stack.root().add("Q", CfnQueue::default());
    let c = stack.add_condition("C", fns::equals(Pseudo::Region, "eu-west-1"));
    stack.add_output(
        "QueueArn",
        Output::new(q.attr_arn())
            .description("d")
            .export(fns::sub("${AWS::StackName}-QueueArn"))
            .condition(&c),
    );
    let t = stack.synth().expect("valid").template().clone();
    assert_eq!(
        t["Outputs"]["QueueArn"],
        json!({
            "Description": "d",
            "Value": { "Fn::GetAtt": ["Q", "Arn"] },
            "Export": { "Name": { "Fn::Sub": "${AWS::StackName}-QueueArn" } },
            "Condition": "C"
        })
    );
}
