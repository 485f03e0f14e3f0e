"""Test harness for the recipe's handlers, built from the synthesized template.

moto (`mock_aws`) stands in for AWS. Tables are created with the keys and indexes the
template declares, the bus with its name, and each rule with its exact event pattern,
targeting an SQS queue that stands in for the Lambda target: an event reaches the
projection in these tests only if the deployed rule would route it.
"""
import importlib
import json
import os
import pathlib
import subprocess
import sys

import boto3
import pytest
from moto import mock_aws

ROOT = pathlib.Path(__file__).resolve().parents[3]
HANDLERS = ROOT / "examples" / "recipe" / "handlers"
MODULES = ["event_store", "command_handler", "projection_handler", "query_handler"]


@pytest.fixture(scope="session")
def template():
    out = subprocess.run(
        ["cargo", "run", "--quiet", "--", "synth", "EventSourcingRecipe"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout)


def of_type(template, type_name):
    return {lid: r for lid, r in template["Resources"].items() if r["Type"] == type_name}


class Recipe:
    """The recipe's resources in moto, and its handlers loaded with the template's environment."""

    def __init__(self, template):
        self.template = template
        self.names = {}
        ddb = boto3.client("dynamodb")
        for lid, r in of_type(template, "AWS::DynamoDB::Table").items():
            p = r["Properties"]
            kwargs = {
                "TableName": lid,
                "KeySchema": p["KeySchema"],
                "AttributeDefinitions": p["AttributeDefinitions"],
                "BillingMode": "PAY_PER_REQUEST",
            }
            if "GlobalSecondaryIndexes" in p:
                kwargs["GlobalSecondaryIndexes"] = [
                    {k: v for k, v in g.items() if k != "ProvisionedThroughput"} for g in p["GlobalSecondaryIndexes"]
                ]
            ddb.create_table(**kwargs)
            self.names[lid] = lid
        events = boto3.client("events")
        for lid, r in of_type(template, "AWS::Events::EventBus").items():
            events.create_event_bus(Name=r["Properties"]["Name"])
            self.names[lid] = r["Properties"]["Name"]
        sqs = boto3.client("sqs")
        self.rule_queues = {}
        for lid, r in of_type(template, "AWS::Events::Rule").items():
            p = r["Properties"]
            url = sqs.create_queue(QueueName=f"{lid}-target")["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            bus = self.resolve(p["EventBusName"])
            events.put_rule(Name=p["Name"], EventBusName=bus, EventPattern=json.dumps(p["EventPattern"]))
            events.put_targets(Rule=p["Name"], EventBusName=bus, Targets=[{"Id": "stand-in", "Arn": arn}])
            self.rule_queues[lid] = url
        for function in of_type(template, "AWS::Lambda::Function").values():
            for key, value in function["Properties"].get("Environment", {}).get("Variables", {}).items():
                os.environ[key] = self.resolve(value)
        self.sqs = sqs
        self.dynamodb = boto3.resource("dynamodb")
        self.modules = self._load()

    def resolve(self, value):
        if isinstance(value, str):
            return value
        if "Ref" in value:
            return self.names[value["Ref"]]
        if "Fn::GetAtt" in value and value["Fn::GetAtt"][1] == "Name":
            return self.names[value["Fn::GetAtt"][0]]
        raise ValueError(f"the harness cannot resolve {value}")

    def _load(self):
        if str(HANDLERS) not in sys.path:
            sys.path.insert(0, str(HANDLERS))
        for name in MODULES:
            sys.modules.pop(name, None)
        return {name: importlib.import_module(name) for name in MODULES}

    def table(self, prefix):
        return self.dynamodb.Table(next(n for n in self.names if n.startswith(prefix)))

    def command(self, payload):
        answer = self.modules["command_handler"].lambda_handler(payload, None)
        return answer["statusCode"], json.loads(answer["body"])

    def query(self, payload):
        answer = self.modules["query_handler"].lambda_handler(payload, None)
        return answer["statusCode"], json.loads(answer["body"])

    def routed(self):
        """The EventBridge events the rules routed since the last call (drained)."""
        out = []
        for url in self.rule_queues.values():
            while True:
                messages = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
                if not messages:
                    break
                for m in messages:
                    out.append(json.loads(m["Body"]))
                    self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        return out

    def project(self, events):
        """Delivers EventBridge events to the projection handler, one invocation each."""
        return [self.modules["projection_handler"].lambda_handler(e, None)["outcomes"][0] for e in events]

    def summary(self, account_id):
        return self.table("ReadModel").get_item(Key={"AccountId": account_id, "ProjectionType": "AccountSummary"}).get("Item")


@pytest.fixture
def recipe(template, monkeypatch):
    for key, value in {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }.items():
        monkeypatch.setenv(key, value)
    saved = dict(os.environ)
    with mock_aws():
        yield Recipe(template)
    os.environ.clear()
    os.environ.update(saved)
