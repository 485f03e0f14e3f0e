"""The SES SMTP credentials handler (constructs/assets/ses_smtp_credentials), run as Lambda
runs it (`lambda_handler`) against moto's IAM and Secrets Manager server over HTTP, with the
properties of the synthesized production-PlatformData stack and its answers sent to a local
ResponseURL as CloudFormation's would be."""
import json
import uuid

import boto3
import pytest

import smtp_credentials
from cfn_responses import Responses

REGION = "eu-west-1"

# Published vectors: terraform-provider-aws' own test of the same derivation
# (internal/service/iam/access_key_test.go, TestSESSMTPPasswordFromSecretKeySigV4). Their
# implementation authenticates against SES; ours must agree with it, not with itself.
VECTORS = [
    ("eu-central-1", "some+secret+key", "BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2"),
    ("eu-central-1", "another+secret+key", "BBbphbrQmrKMx42d1N6+C7VINYEBGI5v9VsZeTxwskfh"),
    ("us-west-1", "some+secret+key", "BH+jbMzper5WwlwUar9E1ySBqHa9whi0GPo+sJ0mVYJj"),
    ("us-west-1", "another+secret+key", "BKVmjjMDFk/qqw8EROW99bjCS65PF8WKvK5bSr4Y6EqF"),
]


@pytest.mark.parametrize("region,secret,expected", VECTORS)
def test_the_password_derivation_matches_published_vectors(region, secret, expected):
    assert smtp_credentials.smtp_password(secret, region) == expected


def of_type(template, type_name):
    return {lid: r for lid, r in template["Resources"].items() if r["Type"] == type_name}


class World:
    """The stack's SMTP user and secret, made in moto as CloudFormation would make them."""

    def __init__(self, template, response_url):
        (self.lid, resource), = of_type(template, "Custom::SesSmtpCredentials").items()
        self.props = resource["Properties"]
        self.user_lid = self.props["UserName"]["Ref"]
        self.secret_lid = self.props["SecretArn"]["Ref"]
        self.iam = boto3.client("iam")
        self.secrets = boto3.client("secretsmanager")
        self.user = f"smtp-{uuid.uuid4().hex[:8]}"
        self.iam.create_user(UserName=self.user)
        secret = template["Resources"][self.secret_lid]["Properties"]
        self.secret_arn = self.secrets.create_secret(
            Name=f"smtp-{uuid.uuid4().hex[:8]}", Description=secret["Description"], SecretString='{"username":"","password":"placeholder"}'
        )["ARN"]
        self.response_url = response_url

    def properties(self, rotation=None, **overrides):
        p = {"ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:smtp", "UserName": self.user,
             "SecretArn": self.secret_arn, "Region": REGION, "Rotation": self.props["Rotation"] if rotation is None else rotation}
        p.update(overrides)
        return p

    def send(self, request, props, physical=None, old=None):
        event = {"RequestType": request, "ResponseURL": self.response_url, "StackId": "arn:aws:cloudformation:eu-west-1:123456789012:stack/P/1",
                 "RequestId": str(uuid.uuid4()), "ResourceType": "Custom::SesSmtpCredentials", "LogicalResourceId": self.lid,
                 "ResourceProperties": props}
        if physical:
            event["PhysicalResourceId"] = physical
        if old is not None:
            event["OldResourceProperties"] = old
        before = len(Responses.received)
        smtp_credentials.lambda_handler(event, None)
        assert len(Responses.received) == before + 1, "the handler must answer CloudFormation exactly once"
        return Responses.received[-1]

    def keys(self):
        return sorted(k["AccessKeyId"] for k in self.iam.list_access_keys(UserName=self.user)["AccessKeyMetadata"])

    def credentials(self):
        return json.loads(self.secrets.get_secret_value(SecretId=self.secret_arn)["SecretString"])


@pytest.fixture
def world(template, moto_url, response_url, monkeypatch):
    for key, value in {"AWS_ENDPOINT_URL": moto_url, "AWS_DEFAULT_REGION": REGION, "AWS_ACCESS_KEY_ID": "testing",
                       "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(key, value)
    return World(template, response_url)


def test_the_template_wires_the_user_the_secret_and_the_region(template):
    (_, resource), = of_type(template, "Custom::SesSmtpCredentials").items()
    p = resource["Properties"]
    assert p["Region"] == {"Fn::Sub": "${AWS::Region}"}
    assert p["ServiceTimeout"] <= 300
    user = template["Resources"][p["UserName"]["Ref"]]["Properties"]
    (statement,) = user["Policies"][0]["PolicyDocument"]["Statement"]
    assert statement["Action"] == ["ses:SendRawEmail"]
    assert "identity/" in statement["Resource"][0]["Fn::Sub"]
    assert "LoginProfile" not in user


def test_create_writes_a_working_pair_and_answers_only_the_key_id(world, capsys):
    answer = world.send("Create", world.properties())
    assert answer["Status"] == "SUCCESS", answer["Reason"]
    (key_id,) = world.keys()
    assert answer["PhysicalResourceId"] == key_id
    assert answer["Data"] == {}
    creds = world.credentials()
    assert creds["username"] == key_id
    assert creds["password"].startswith("B") or len(creds["password"]) == 44
    assert creds["password"] != "placeholder"
    logged = capsys.readouterr().out
    assert creds["password"] not in logged and creds["password"] not in json.dumps(answer)


def test_the_password_is_derived_from_the_keys_secret_for_the_region(world, monkeypatch):
    made = {}
    real = world.iam.create_access_key

    class Spy:
        def __getattr__(self, name):
            return getattr(world.iam, name)

        def create_access_key(self, **kw):
            made.update(real(**kw)["AccessKey"])
            return {"AccessKey": made}

    status, _, key_id = smtp_credentials.handle(
        {"RequestType": "Create", "RequestId": "r1", "ResourceProperties": world.properties()}, Spy(), world.secrets
    )
    assert status == "SUCCESS" and key_id == made["AccessKeyId"]
    assert world.credentials()["password"] == smtp_credentials.smtp_password(made["SecretAccessKey"], REGION)


def test_an_update_without_rotation_keeps_the_key(world):
    key = world.send("Create", world.properties())["PhysicalResourceId"]
    answer = world.send("Update", world.properties(), physical=key, old=world.properties())
    assert answer["Status"] == "SUCCESS" and answer["PhysicalResourceId"] == key
    assert world.keys() == [key]


def test_rotation_makes_a_new_key_and_the_old_ones_delete_removes_it(world):
    old = world.send("Create", world.properties(rotation="1"))["PhysicalResourceId"]
    answer = world.send("Update", world.properties(rotation="2"), physical=old, old=world.properties(rotation="1"))
    new = answer["PhysicalResourceId"]
    assert answer["Status"] == "SUCCESS" and new != old
    assert world.credentials()["username"] == new
    # CloudFormation's cleanup: a Delete of the replaced physical id.
    assert world.send("Delete", world.properties(rotation="1"), physical=old)["Status"] == "SUCCESS"
    assert world.keys() == [new]
    assert world.credentials()["username"] == new


def test_a_rolled_back_rotation_puts_the_old_key_back_in_the_secret(world):
    old = world.send("Create", world.properties(rotation="1"))["PhysicalResourceId"]
    new = world.send("Update", world.properties(rotation="2"), physical=old, old=world.properties(rotation="1"))["PhysicalResourceId"]
    # Rollback: CloudFormation returns to the old key and deletes the new one.
    assert world.send("Delete", world.properties(rotation="2"), physical=new)["Status"] == "SUCCESS"
    assert world.keys() == [old]
    assert world.credentials()["username"] == old


def test_delete_removes_the_key_and_a_key_already_gone_is_done(world):
    key = world.send("Create", world.properties())["PhysicalResourceId"]
    assert world.send("Delete", world.properties(), physical=key)["Status"] == "SUCCESS"
    assert world.keys() == []
    again = world.send("Delete", world.properties(), physical=key)
    assert again["Status"] == "SUCCESS", again["Reason"]


def test_a_create_that_cannot_write_the_secret_leaves_no_key(world):
    props = world.properties(SecretArn=world.secret_arn.replace("smtp-", "missing-"))
    answer = world.send("Create", props)
    assert answer["Status"] == "FAILED"
    assert "secret" in answer["Reason"] and "deleted" in answer["Reason"]
    assert world.keys() == []
    # CloudFormation then deletes the failed resource: nothing to do, and it succeeds.
    assert answer["PhysicalResourceId"].startswith("failed-")
    assert world.send("Delete", props, physical=answer["PhysicalResourceId"])["Status"] == "SUCCESS"


def test_a_user_with_two_keys_already_is_refused_with_the_fix(world):
    world.iam.create_access_key(UserName=world.user)
    world.iam.create_access_key(UserName=world.user)
    answer = world.send("Create", world.properties())
    assert answer["Status"] == "FAILED"
    assert "already has 2 access keys" in answer["Reason"] and "delete" in answer["Reason"]
    assert len(world.keys()) == 2
