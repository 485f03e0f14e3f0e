"""Test harness for the users-and-orders handlers: the moto world of examples/harness.py,
built from the synthesized CqrsUsersOrders stack, with the service's calls."""
import json
import os
import sys

import pytest
from moto import mock_aws

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
from harness import ROOT, Stand, synth  # noqa: E402

HANDLERS = ROOT / "examples" / "cqrs" / "handlers"
MODULES = ["store", "projection", "command_handler", "user_projection", "order_projection", "query_handler"]


class Service(Stand):
    def command(self, payload):
        answer = self.modules["command_handler"].lambda_handler(payload, None)
        return answer["statusCode"], json.loads(answer["body"])

    def query(self, payload):
        answer = self.modules["query_handler"].lambda_handler(payload, None)
        return answer["statusCode"], json.loads(answer["body"])

    def project(self):
        """Delivers what each projection rule routed to its projection; returns the outcomes."""
        outcomes = []
        for prefix, module in (("UserProjection", "user_projection"), ("OrderProjection", "order_projection")):
            for event in self.routed(prefix):
                outcomes.append(self.modules[module].lambda_handler(event, None)["outcome"])
        return outcomes

    def flow(self):
        """The outbox publisher, then projections: what the deployed wiring does after commands."""
        assert self.publish() == {"batchItemFailures": []}
        return self.project()


@pytest.fixture(scope="session")
def template():
    return synth("CqrsUsersOrders")


@pytest.fixture
def service(template, monkeypatch):
    for key, value in {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(key, value)
    saved = dict(os.environ)
    with mock_aws():
        yield Service(template, HANDLERS, MODULES)
    os.environ.clear()
    os.environ.update(saved)
