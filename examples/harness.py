"""A moto world built from a synthesized template, shared by the examples' handler tests.

Tables are created with the keys, indexes and stream the template declares; buses with
their names; each rule with its exact event pattern, targeting an SQS queue that stands in
for its Lambda target, so an event reaches a handler in the tests only if the deployed rule
would route it. Each handler module is imported with the environment of the function whose
`Handler` names it, with references resolved to the names the harness gave. Handler modules are loaded fresh from the asset directory.

moto 5.2.5's DynamoDB Streams API answered "Not yet implemented" here, so `stream_records`
builds the records an event source mapping delivers (Lambda's documented DynamoDB stream
event) from the items added to the table since the last call.
"""
import importlib
import json
import os
import pathlib
import subprocess
import sys

import boto3
from boto3.dynamodb.types import TypeSerializer

ROOT = pathlib.Path(__file__).resolve().parent.parent
_templates = {}


def synth(stack: str) -> dict:
    """The stack's template, from the real CLI (once per test session)."""
    if stack not in _templates:
        out = subprocess.run(
            ["cargo", "run", "--quiet", "--", "synth", stack], cwd=ROOT, check=True, capture_output=True, text=True
        )
        _templates[stack] = json.loads(out.stdout)
    return _templates[stack]


def of_type(template, type_name):
    return {lid: r for lid, r in template["Resources"].items() if r["Type"] == type_name}


class Stand:
    def __init__(self, template: dict, handlers: pathlib.Path, modules: list):
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
            if "StreamSpecification" in p:
                kwargs["StreamSpecification"] = {"StreamEnabled": True, **p["StreamSpecification"]}
            ddb.create_table(**kwargs)
            self.names[lid] = lid
        events = boto3.client("events")
        for lid, r in of_type(template, "AWS::Events::EventBus").items():
            events.create_event_bus(Name=r["Properties"]["Name"])
            self.names[lid] = r["Properties"]["Name"]
        self.sqs = boto3.client("sqs")
        self.rule_queues = {}
        for lid, r in of_type(template, "AWS::Events::Rule").items():
            p = r["Properties"]
            url = self.sqs.create_queue(QueueName=f"{lid}-target")["QueueUrl"]
            arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            bus = self.resolve(p["EventBusName"])
            events.put_rule(Name=p["Name"], EventBusName=bus, EventPattern=json.dumps(p["EventPattern"]))
            events.put_targets(Rule=p["Name"], EventBusName=bus, Targets=[{"Id": "stand-in", "Arn": arn}])
            self.rule_queues[lid] = url
        # Each handler module gets the environment of the function whose Handler names it
        # (two functions may give one variable different values).
        self.environments = {}
        for function in of_type(template, "AWS::Lambda::Function").values():
            module = function["Properties"]["Handler"].rsplit(".", 1)[0]
            variables = function["Properties"].get("Environment", {}).get("Variables", {})
            self.environments[module] = {k: self.resolve(v) for k, v in variables.items()}
        self.dynamodb = boto3.resource("dynamodb")
        self._streamed = {}
        if str(handlers) not in sys.path:
            sys.path.insert(0, str(handlers))
        for name in modules:
            sys.modules.pop(name, None)
        self.modules = {}
        for name in modules:
            saved = dict(os.environ)
            os.environ.update(self.environments.get(name, {}))
            try:
                self.modules[name] = importlib.import_module(name)
            finally:
                os.environ.clear()
                os.environ.update(saved)

    def resolve(self, value):
        if isinstance(value, str):
            return value
        if "Ref" in value:
            return self.names[value["Ref"]]
        if "Fn::GetAtt" in value and value["Fn::GetAtt"][1] == "Name":
            return self.names[value["Fn::GetAtt"][0]]
        raise ValueError(f"the harness cannot resolve {value}")

    def table(self, prefix):
        return self.dynamodb.Table(next(n for n in self.names if n.startswith(prefix)))

    def routed(self, rule_prefix=""):
        """The EventBridge events the matching rules routed since the last call (drained)."""
        out = []
        for lid, url in self.rule_queues.items():
            if not lid.startswith(rule_prefix):
                continue
            while True:
                messages = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
                if not messages:
                    break
                for m in messages:
                    out.append(json.loads(m["Body"]))
                    self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        return out

    def stream_records(self, table_prefix):
        """A Lambda DynamoDB-stream event with the items inserted since the last call."""
        table = self.table(table_prefix)
        keys = [k["AttributeName"] for k in table.key_schema]
        seen = self._streamed.setdefault(table.name, set())
        serializer = TypeSerializer()
        records = []
        for item in sorted(table.scan()["Items"], key=lambda i: (str(i.get("Timestamp", "")), str(i[keys[0]]))):
            key = tuple(str(item[k]) for k in keys)
            if key in seen:
                continue
            seen.add(key)
            records.append(
                {
                    "eventID": f"{len(seen)}",
                    "eventName": "INSERT",
                    "eventSource": "aws:dynamodb",
                    "dynamodb": {
                        "Keys": {k: serializer.serialize(item[k]) for k in keys},
                        "NewImage": {k: serializer.serialize(v) for k, v in item.items()},
                        "SequenceNumber": f"{len(seen):021d}",
                        "StreamViewType": "NEW_IMAGE",
                    },
                }
            )
        return {"Records": records}
