"""A moto world built from a synthesized template, shared by the examples' handler tests.

Tables are created with the keys, indexes and stream the template declares; buses with
their names; queues under their logical ids (a `Ref` is the queue's URL); each rule with its exact event pattern, targeting an SQS queue that stands in
for its Lambda target, so an event reaches a handler in the tests only if the deployed rule
would route it. Each handler module is imported with the environment of the function whose
`Handler` names it, with references resolved to the names the harness gave. Handler modules are loaded fresh from the asset directory.

`stream_records` plays the part of an event source mapping: it reads the table's real moto
stream (DynamoDB Streams' GetRecords) from where it last stopped, keeps the records the
mapping's filter criteria in the template let through, and hands them over as Lambda's
DynamoDB stream event. botocore sends stream calls that name a stream ARN to the account's
endpoint (`<account>.streams-ddb.<region>`), which moto 5.2.5 does not route, so the
harness's client uses the regional endpoint. `publish` runs the library's outbox publisher
(constructs/assets/event_store_publisher) on them, as the deployed mapping does.
"""
import importlib
import json
import os
import pathlib
import subprocess
import sys

import boto3
from botocore.config import Config

ROOT = pathlib.Path(__file__).resolve().parent.parent
PUBLISHER = ROOT / "constructs" / "assets" / "event_store_publisher"
PUBLISHER_MODULE = "event_store_publisher"
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
        self.queues = {}
        for lid in of_type(template, "AWS::SQS::Queue"):
            self.queues[lid] = self.names[lid] = self.sqs.create_queue(QueueName=lid)["QueueUrl"]
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
        self.streams = boto3.client("dynamodbstreams", config=Config(account_id_endpoint_mode="disabled"))
        self._iterators = {}
        for directory in (handlers, PUBLISHER):
            if str(directory) not in sys.path:
                sys.path.insert(0, str(directory))
        modules = [*modules, PUBLISHER_MODULE]
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

    def messages(self, queue_prefix):
        """The messages waiting in the template's queue (drained)."""
        (url,) = [u for lid, u in self.queues.items() if lid.startswith(queue_prefix)]
        out = []
        while True:
            got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get("Messages", [])
            if not got:
                return out
            for m in got:
                out.append(m)
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])

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

    def mapping_of(self, module):
        """The event source mapping of the function whose handler is in `module`."""
        functions = {
            lid
            for lid, f in of_type(self.template, "AWS::Lambda::Function").items()
            if f["Properties"]["Handler"].rsplit(".", 1)[0] == module
        }
        (mapping,) = [
            m["Properties"]
            for m in of_type(self.template, "AWS::Lambda::EventSourceMapping").values()
            if _function_of(m["Properties"]["FunctionName"]) in functions
        ]
        return mapping

    def stream_records(self, mapping):
        """What `mapping` delivers next: its table's new stream records that pass its filters,
        as a Lambda DynamoDB stream event (read from moto's stream, from the last position)."""
        table = mapping["EventSourceArn"]["Fn::GetAtt"][0]
        filters = [json.loads(f["Pattern"]) for f in mapping.get("FilterCriteria", {}).get("Filters", [])]
        records = []
        for shard, iterator in self._shard_iterators(table):
            while iterator:
                page = self.streams.get_records(ShardIterator=iterator)
                records.extend(page["Records"])
                iterator = page.get("NextShardIterator")
                self._iterators[(table, shard)] = iterator
                if not page["Records"]:
                    break
        for record in records:
            created = record["dynamodb"].get("ApproximateCreationDateTime")
            if created is not None:
                record["dynamodb"]["ApproximateCreationDateTime"] = created.timestamp()
        return {"Records": [r for r in records if not filters or any(_matches(f, r) for f in filters)]}

    def _shard_iterators(self, table):
        arn = self.dynamodb.Table(self.names[table]).latest_stream_arn
        for shard in self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            key = (table, shard["ShardId"])
            if key not in self._iterators:
                self._iterators[key] = self.streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
            yield shard["ShardId"], self._iterators[key]

    def publish(self):
        """The outbox publisher on what its mapping delivers: the events stored since the last
        call go to the bus. Returns the publisher's answer."""
        records = self.stream_records(self.mapping_of(PUBLISHER_MODULE))
        return self.modules[PUBLISHER_MODULE].lambda_handler(records, None)


def _function_of(reference):
    """The logical id a mapping's FunctionName names (a Ref, or a GetAtt of the ARN)."""
    return reference.get("Ref") or reference["Fn::GetAtt"][0]


def _matches(pattern, record):
    """An event source mapping filter of exact values on top-level fields (the only form our
    templates use; anything else is refused, not guessed)."""
    for key, allowed in pattern.items():
        if not isinstance(allowed, list) or not all(isinstance(v, str) for v in allowed):
            raise ValueError(f"the harness matches lists of exact strings, not {allowed!r}")
        if record.get(key) not in allowed:
            return False
    return True
