"""Test harness for the recipe's handlers: the moto world of examples/harness.py, built from
the synthesized EventSourcingRecipe stack, with the recipe's calls."""
import json
import os
import sys

import pytest
from moto import mock_aws

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
from harness import ROOT, Stand, synth  # noqa: E402

HANDLERS = ROOT / "examples" / "recipe" / "handlers"
MODULES = ["event_store", "command_handler", "projection_handler", "query_handler"]


class Recipe(Stand):
    def command(self, payload):
        answer = self.modules["command_handler"].lambda_handler(payload, None)
        return answer["statusCode"], json.loads(answer["body"])

    def query(self, payload):
        answer = self.modules["query_handler"].lambda_handler(payload, None)
        return answer["statusCode"], json.loads(answer["body"])

    def delivered(self):
        """What the deployed wiring does after commands: the outbox publishes the stored
        events, and the rule routes them. Returns the routed EventBridge events."""
        assert self.publish() == {"batchItemFailures": []}
        return self.routed()

    def project(self, events):
        """Delivers EventBridge events to the projection handler, one invocation each."""
        return [self.modules["projection_handler"].lambda_handler(e, None)["outcomes"][0] for e in events]

    def summary(self, account_id):
        return self.table("ReadModel").get_item(Key={"AccountId": account_id, "ProjectionType": "AccountSummary"}).get("Item")


@pytest.fixture(scope="session")
def template():
    return synth("EventSourcingRecipe")


@pytest.fixture
def recipe(template, monkeypatch):
    for key, value in {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(key, value)
    saved = dict(os.environ)
    with mock_aws():
        yield Recipe(template, HANDLERS, MODULES)
    os.environ.clear()
    os.environ.update(saved)
