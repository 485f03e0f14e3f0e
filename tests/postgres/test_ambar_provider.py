"""The Ambar provider (constructs/assets/ambar_provider), run as Lambda runs it
(`lambda_handler`): its secrets come from moto's Secrets Manager server over HTTP, its Ambar
is the stand-in (ambar_stand_in.py), whose data source really connects to PostgreSQL 15, and
its answers go to a local ResponseURL as CloudFormation's would. The events carry the
properties of the synthesized production-PlatformData stack, with references resolved."""
import copy
import http.server
import json
import sys
import threading
import time

import boto3
import pytest
from moto.server import ThreadedMotoServer

from ambar_stand_in import StandIn
from pgserver import ROOT
from test_event_store_schema import PASSWORD, apply

sys.path.insert(0, str(ROOT / "constructs" / "assets" / "ambar_provider"))
import ambar_provider  # noqa: E402

API_KEY = "ambar-key-1234567890abcdef"


def resolve(value, refs):
    """The value with Ref, Fn::GetAtt and Fn::Join resolved from `refs`."""
    if isinstance(value, dict) and len(value) == 1:
        (k, v), = value.items()
        if k == "Ref":
            return refs[v]
        if k == "Fn::GetAtt":
            return refs[tuple(v)]
        if k == "Fn::Join":
            return v[0].join(str(resolve(p, refs)) for p in v[1])
    if isinstance(value, dict):
        return {k: resolve(v, refs) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, refs) for v in value]
    return value


class Responses(http.server.BaseHTTPRequestHandler):
    received = []

    def log_message(self, *args):
        pass

    def do_PUT(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Responses.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()


class Context:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def get_remaining_time_in_millis(self):
        return int((self.end - time.monotonic()) * 1000)


class World:
    """The template's Ambar resources, their secrets in moto, and the stand-in."""

    def __init__(self, template, server, stand_in, secrets, response_url):
        self.template, self.stand_in, self.secrets, self.response_url = template, stand_in, secrets, response_url
        resources = template["Resources"]
        self.lids = {r["Type"]: lid for lid, r in resources.items()}
        self.arns = {}
        for lid, r in resources.items():
            if r["Type"] == "AWS::SecretsManager::Secret":
                self.arns[lid] = secrets.create_secret(Name=f"{lid}-{time.monotonic_ns()}")["ARN"]
        replication = next(lid for lid in self.arns if lid.startswith("EventStoreReplicationSecret"))
        self.put(replication, json.dumps({"username": "replication_user", "password": PASSWORD}))
        self.put(next(lid for lid in self.arns if lid.startswith("StreamingHttpUsername")), json.dumps({"username": "u7Xk2pQz"}))
        self.put(next(lid for lid in self.arns if lid.startswith("StreamingHttpPassword")), json.dumps({"password": "Pw9fLm3QzT8vRb2K"}))
        self.api_key_lid = next(lid for lid in self.arns if lid.startswith("StreamingApiKey"))
        cluster = next(lid for lid, r in resources.items() if r["Type"] == "AWS::RDS::DBCluster")
        self.refs = {**self.arns, (cluster, "Endpoint.Address"): server["host"], (cluster, "Endpoint.Port"): str(server["port"])}
        self.log = []

    def put(self, lid, value):
        self.secrets.put_secret_value(SecretId=self.arns[lid], SecretString=value)

    def props(self, type_name, index=0):
        lids = [lid for lid, r in self.template["Resources"].items() if r["Type"] == type_name]
        props = dict(self.template["Resources"][lids[index]]["Properties"])
        props["ServiceToken"] = "arn:aws:lambda:eu-west-1:123456789012:function:provider"
        return resolve(props, self.refs), lids[index]

    def send(self, request, type_name, props, lid, physical=None, old=None, seconds=20):
        event = {
            "RequestType": request, "ResourceType": type_name, "LogicalResourceId": lid,
            "StackId": "arn:aws:cloudformation:eu-west-1:123456789012:stack/production-PlatformData/x",
            "RequestId": f"req-{time.monotonic_ns()}", "ResponseURL": self.response_url,
            "ResourceProperties": props,
        }
        if physical:
            event["PhysicalResourceId"] = physical
        if old is not None:
            event["OldResourceProperties"] = old
        Responses.received.clear()
        ambar_provider.lambda_handler(event, Context(seconds))
        (answer,) = Responses.received
        return answer

    def create_all(self):
        """Creates what the template declares, in CloudFormation's order; returns the ids."""
        source_props, source_lid = self.props("Custom::AmbarDataSource")
        source = self.send("Create", "Custom::AmbarDataSource", source_props, source_lid)
        assert source["Status"] == "SUCCESS", source["Reason"]
        self.refs[source_lid] = source["PhysicalResourceId"]
        ids = {"source": source["PhysicalResourceId"], "filters": [], "destinations": []}
        for i in range(2):
            props, lid = self.props("Custom::AmbarFilter", i)
            answer = self.send("Create", "Custom::AmbarFilter", props, lid)
            assert answer["Status"] == "SUCCESS", answer["Reason"]
            self.refs[lid] = answer["PhysicalResourceId"]
            ids["filters"].append(answer["PhysicalResourceId"])
        for i in range(2):
            props, lid = self.props("Custom::AmbarDestination", i)
            answer = self.send("Create", "Custom::AmbarDestination", props, lid)
            assert answer["Status"] == "SUCCESS", answer["Reason"]
            ids["destinations"].append(answer["PhysicalResourceId"])
        return ids


@pytest.fixture(scope="module")
def moto_url():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="module")
def response_url():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Responses)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/response"
    httpd.shutdown()


@pytest.fixture
def world(server, admin, template, schema_properties, moto_url, response_url, monkeypatch):
    apply(admin, schema_properties)
    stand_in = StandIn(API_KEY)
    url = stand_in.start()
    for key, value in {"AWS_ENDPOINT_URL": moto_url, "AWS_DEFAULT_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "testing",
                       "AWS_SECRET_ACCESS_KEY": "testing", "AMBAR_API_URL": url}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(ambar_provider, "POLL_SECONDS", 0.05)
    monkeypatch.setattr(ambar_provider, "BACKOFF_SECONDS", 0.01)
    monkeypatch.setattr(ambar_provider, "MARGIN_SECONDS", 0.5)
    secrets = boto3.client("secretsmanager", endpoint_url=moto_url, region_name="eu-west-1")
    w = World(template, server, stand_in, secrets, response_url)
    w.put(w.api_key_lid, API_KEY)
    yield w
    stand_in.stop()


def secret_values(world):
    return [API_KEY, PASSWORD, "u7Xk2pQz", "Pw9fLm3QzT8vRb2K"]


def test_create_walk_streams_as_the_replication_user_with_string_config(world, capsys):
    ids = world.create_all()
    sources = world.stand_in.of_kind("source")
    assert list(sources) == [ids["source"]]
    config = sources[ids["source"]]["fields"]["dataSourceConfig"]
    assert all(isinstance(v, str) for v in config.values())
    assert config["username"] == "replication_user", "never the master user"
    assert config["columns"].split(",")[0] == "id" and config["partitioningColumn"] == "correlation_id"
    assert all(r["state"] == "READY" for r in world.stand_in.resources.values())
    filters = world.stand_in.of_kind("filter")
    assert {f["fields"]["filterContents"] for f in filters.values()} == {"dHJ1ZQ=="}, "`true`, base64"
    for d in world.stand_in.of_kind("destination").values():
        assert d["fields"]["destinationEndpoint"].startswith("https://api.example.com/projections/")
        assert d["fields"]["username"] == "u7Xk2pQz" and len(d["fields"]["filterIds"]) == 1
    out = capsys.readouterr().out
    for value in secret_values(world):
        assert value not in out


def test_a_source_that_cannot_reach_its_publication_fails_with_ambars_reason_and_leaves_nothing(world, admin):
    admin.execute("DROP PUBLICATION ambar_publication")
    props, lid = world.props("Custom::AmbarDataSource")
    answer = world.send("Create", "Custom::AmbarDataSource", props, lid)
    assert answer["Status"] == "FAILED"
    assert "FAILED" in answer["Reason"] and "publication ambar_publication does not exist" in answer["Reason"]
    assert world.stand_in.resources == {}, "the failed source is deleted by the provider"
    gone = world.send("Delete", "Custom::AmbarDataSource", props, lid, physical=answer["PhysicalResourceId"])
    assert gone["Status"] == "SUCCESS"


def test_wrong_database_credentials_fail_without_leaking_them(world):
    world.put(next(lid for lid in world.arns if lid.startswith("EventStoreReplicationSecret")),
              json.dumps({"username": "replication_user", "password": "Wrong-password-1234"}))
    props, lid = world.props("Custom::AmbarDataSource")
    answer = world.send("Create", "Custom::AmbarDataSource", props, lid)
    assert answer["Status"] == "FAILED" and "cannot connect" in answer["Reason"]
    assert "Wrong-password-1234" not in json.dumps(answer)


def test_a_500_is_retried_until_it_recovers(world):
    world.stand_in.fail("POST", "/source", 500, times=2)
    props, lid = world.props("Custom::AmbarDataSource")
    answer = world.send("Create", "Custom::AmbarDataSource", props, lid)
    assert answer["Status"] == "SUCCESS", answer["Reason"]
    assert [c[:2] for c in world.stand_in.calls].count(("POST", "/source")) == 3


def test_an_api_that_never_reaches_ready_is_bounded_and_cleaned_up(world):
    world.stand_in.never_ready = True
    props, lid = world.props("Custom::AmbarDataSource")
    started = time.monotonic()
    answer = world.send("Create", "Custom::AmbarDataSource", props, lid, seconds=2)
    assert time.monotonic() - started < 5
    assert answer["Status"] == "FAILED" and "did not become READY" in answer["Reason"]


def test_updates_in_place_and_by_replacement_follow_ambars_rules(world, server):
    ids = world.create_all()
    source_props, source_lid = world.props("Custom::AmbarDataSource")

    def update(type_name, old, new, lid, physical):
        world.stand_in.calls.clear()
        answer = world.send("Update", type_name, new, lid, physical=physical, old=old)
        assert answer["Status"] == "SUCCESS", answer["Reason"]
        return answer["PhysicalResourceId"], [c[:2] for c in world.stand_in.calls if c[0] != "GET"]

    # host/port: PUT, same resource (the new host is really connected to).
    moved = copy.deepcopy(source_props)
    moved["Config"]["hostname"] = "localhost"
    same, calls = update("Custom::AmbarDataSource", source_props, moved, source_lid, ids["source"])
    assert same == ids["source"] and calls == [("PUT", "/source")]
    assert world.stand_in.resources[same]["fields"]["dataSourceConfig"]["hostname"] == "localhost"
    # credentials: PATCH.
    rotated = copy.deepcopy(moved)
    rotated["CredentialsSecretArn"] = world.secrets.create_secret(
        Name="rotated", SecretString=json.dumps({"username": "replication_user", "password": PASSWORD}))["ARN"]
    same, calls = update("Custom::AmbarDataSource", moved, rotated, source_lid, ids["source"])
    assert same == ids["source"] and calls == [("PATCH", "/source")]
    # description or another table: a new source, created before the old one goes.
    renamed = {**rotated, "Description": "Event store v2"}
    new_source, calls = update("Custom::AmbarDataSource", rotated, renamed, source_lid, ids["source"])
    assert new_source != ids["source"] and calls == [("POST", "/source")]
    assert ids["source"] in world.stand_in.resources, "the old source stays until CloudFormation deletes it"

    # A filter has no update: any change replaces it.
    filter_props, filter_lid = world.props("Custom::AmbarFilter")
    narrowed = {**filter_props, "Filter": "lookup(\"event_name\") == \"UserCreated\""}
    new_filter, calls = update("Custom::AmbarFilter", filter_props, narrowed, filter_lid, ids["filters"][0])
    assert new_filter != ids["filters"][0] and calls == [("POST", "/filter")]

    dest_props, dest_lid = world.props("Custom::AmbarDestination")
    # endpoint, and a same-length filter swap: PUT.
    moved_dest = {**dest_props, "Endpoint": "https://api2.example.com/projections/users", "FilterIds": [new_filter]}
    same, calls = update("Custom::AmbarDestination", dest_props, moved_dest, dest_lid, ids["destinations"][0])
    assert same == ids["destinations"][0] and calls == [("PUT", "/destination")]
    assert world.stand_in.resources[same]["fields"]["filterIds"] == [new_filter]
    # credentials: PATCH.
    new_user = world.secrets.create_secret(Name="user2", SecretString=json.dumps({"username": "newUser1"}))["ARN"]
    recredentialed = {**moved_dest, "UsernameSecretArn": new_user}
    same, calls = update("Custom::AmbarDestination", moved_dest, recredentialed, dest_lid, same)
    assert calls == [("PATCH", "/destination")] and world.stand_in.resources[same]["fields"]["username"] == "newUser1"
    # another number of filters: a new destination.
    two = {**recredentialed, "FilterIds": [new_filter, ids["filters"][0]]}
    replaced, calls = update("Custom::AmbarDestination", recredentialed, two, dest_lid, same)
    assert replaced != same and calls == [("POST", "/destination")]


def test_deletes_run_in_reverse_and_a_404_is_deleted(world):
    ids = world.create_all()
    source_props, source_lid = world.props("Custom::AmbarDataSource")
    early = world.send("Delete", "Custom::AmbarDataSource", source_props, source_lid, physical=ids["source"])
    assert early["Status"] == "FAILED" and "still used" in early["Reason"], "the stand-in enforces the order"
    for i, physical in enumerate(ids["destinations"]):
        props, lid = world.props("Custom::AmbarDestination", i)
        assert world.send("Delete", "Custom::AmbarDestination", props, lid, physical=physical)["Status"] == "SUCCESS"
    for i, physical in enumerate(ids["filters"]):
        props, lid = world.props("Custom::AmbarFilter", i)
        assert world.send("Delete", "Custom::AmbarFilter", props, lid, physical=physical)["Status"] == "SUCCESS"
    assert world.send("Delete", "Custom::AmbarDataSource", source_props, source_lid, physical=ids["source"])["Status"] == "SUCCESS"
    assert world.stand_in.resources == {}
    again = world.send("Delete", "Custom::AmbarDataSource", source_props, source_lid, physical=ids["source"])
    assert again["Status"] == "SUCCESS", "a 404 is a deletion done"


def test_the_provider_waits_for_an_api_key_the_user_puts_during_the_deploy(world):
    arn = world.secrets.create_secret(Name="empty-key")["ARN"]
    props, lid = world.props("Custom::AmbarDataSource")
    props["ApiKeySecretArn"] = arn
    threading.Timer(0.3, lambda: world.secrets.put_secret_value(SecretId=arn, SecretString=API_KEY)).start()
    answer = world.send("Create", "Custom::AmbarDataSource", props, lid)
    assert answer["Status"] == "SUCCESS", answer["Reason"]


def test_an_api_key_never_put_fails_in_time_with_the_command_to_run(world):
    arn = world.secrets.create_secret(Name="never-key")["ARN"]
    props, lid = world.props("Custom::AmbarDataSource")
    props["ApiKeySecretArn"] = arn
    answer = world.send("Create", "Custom::AmbarDataSource", props, lid, seconds=1.5)
    assert answer["Status"] == "FAILED"
    assert f"aws secretsmanager put-secret-value --secret-id {arn}" in answer["Reason"]
    assert world.stand_in.calls == []


def test_a_wrong_api_key_is_ambars_refusal_without_the_key(world):
    world.put(world.api_key_lid, "not-the-key-0987654321")
    props, lid = world.props("Custom::AmbarDataSource")
    answer = world.send("Create", "Custom::AmbarDataSource", props, lid)
    assert answer["Status"] == "FAILED" and "AccessDeniedException" in answer["Reason"]
    assert "not-the-key-0987654321" not in json.dumps(answer)


def test_cloudformation_gets_an_answer_even_when_the_request_is_malformed(world):
    answer = world.send("Create", "Custom::AmbarDataSource", {"ApiHost": "euw1.api.ambar.cloud"}, "Broken")
    assert answer["Status"] == "FAILED" and answer["PhysicalResourceId"]
    assert world.send("Delete", "Custom::AmbarDataSource", {}, "Broken", physical=answer["PhysicalResourceId"])["Status"] == "SUCCESS"


@pytest.mark.parametrize("change, expected", [
    (lambda p: p["Config"].__setitem__("tlsTerminationOverrideHost", "db.example.com"), ("PUT", "/source")),
    (lambda p: p["Config"].__setitem__("hostPort", p["Config"]["hostPort"]), None),
    (lambda p: p["Config"].__setitem__("publicationName", "ambar_publication"), None),
    (lambda p: p["Config"].__setitem__("columns", "id,event_id,correlation_id"), ("POST", "/source")),
    (lambda p: p["Config"].__setitem__("serialColumn", "event_id"), ("POST", "/source")),
    (lambda p: p.__setitem__("ApiHost", "apse5.api.ambar.cloud"), ("POST", "/source")),
])
def test_each_data_source_change_is_in_place_or_a_replacement_as_ambar_allows(world, change, expected):
    ids = world.create_all()
    old, lid = world.props("Custom::AmbarDataSource")
    new = copy.deepcopy(old)
    change(new)
    world.stand_in.calls.clear()
    answer = world.send("Update", "Custom::AmbarDataSource", new, lid, physical=ids["source"], old=old)
    assert answer["Status"] == "SUCCESS", answer["Reason"]
    writes = [c[:2] for c in world.stand_in.calls if c[0] != "GET"]
    assert writes == ([expected] if expected else [])
    replaced = expected == ("POST", "/source")
    assert (answer["PhysicalResourceId"] != ids["source"]) == replaced


def test_a_destination_description_change_replaces_it(world):
    ids = world.create_all()
    old, lid = world.props("Custom::AmbarDestination")
    new = {**old, "Description": "Users, v2"}
    world.stand_in.calls.clear()
    answer = world.send("Update", "Custom::AmbarDestination", new, lid, physical=ids["destinations"][0], old=old)
    assert answer["Status"] == "SUCCESS", answer["Reason"]
    assert answer["PhysicalResourceId"] != ids["destinations"][0]
    assert [c[:2] for c in world.stand_in.calls if c[0] != "GET"] == [("POST", "/destination")]
