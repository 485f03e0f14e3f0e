//! The recipe's stack tested as a user tests theirs: with `escdk_synth::assertions`
//! instead of picking through JSON.

use escdk_synth::assertions::{Match, Template};
use serde_json::json;

fn recipe() -> Template {
    Template::from_stack(&escdk_examples::recipe::stack("EventSourcingRecipe"))
}

#[test]
fn the_event_store_is_keyed_streamed_encrypted_and_kept() {
    let t = recipe();
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        json!({
            "KeySchema": [
                { "AttributeName": "AggregateId", "KeyType": "HASH" },
                { "AttributeName": "EventSequence", "KeyType": "RANGE" }
            ],
            "StreamSpecification": { "StreamViewType": "NEW_AND_OLD_IMAGES" },
            "SSESpecification": { "SSEEnabled": true },
            "PointInTimeRecoverySpecification": { "PointInTimeRecoveryEnabled": true },
        }),
    );
    t.has_resource(
        "AWS::DynamoDB::Table",
        Match::object_like([
            ("DeletionPolicy", Match::exact("RetainExceptOnCreate")),
            ("UpdateReplacePolicy", Match::exact("Retain")),
        ]),
    );
}

#[test]
fn four_functions_each_with_its_own_role_and_no_wildcards() {
    let t = recipe();
    // Command, outbox publisher, projection, query.
    t.resource_count_is("AWS::Lambda::Function", 4);
    t.resource_count_is("AWS::IAM::Role", 4);
    let roles = t.find_resources("AWS::IAM::Role", Match::any_value());
    for (id, role) in roles {
        for policy in role["Properties"]["Policies"].as_array().unwrap() {
            for statement in policy["PolicyDocument"]["Statement"].as_array().unwrap() {
                if statement["Resource"] == json!(["*"]) {
                    // The one action with no resource-level permission (see dynamodb::perms).
                    assert_eq!(statement["Action"], json!(["dynamodb:ListStreams"]), "{id}");
                }
            }
        }
    }
}

#[test]
fn the_alarm_email_is_a_parameter_and_an_output_names_the_bus() {
    let t = recipe();
    t.has_output(
        "EventBusArn",
        json!({ "Description": "Bus ARN (the destination of a replay)" }),
    );
    t.has_resource(
        "AWS::SNS::Subscription",
        json!({ "Condition": "HasAlarmEmail", "Properties": { "Protocol": "email" } }),
    );
}
