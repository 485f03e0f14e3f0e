"""A real MongoDB wire-protocol server (SecantusDB, from PyPI, installed by scripts/test into
target/venv) on 127.0.0.1 with SCRAM authentication on, its projection user provisioned
exactly as the platform stack's `MongoDB::Atlas::DatabaseUser` declares it, and the
`MONGODB_PROJECTION_*` variables as the stack gives them to the backend."""
import json
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time

import pytest
from pymongo import MongoClient

from mongoserver import ADMIN_PASSWORD, ROOT, SAMPLE_SRV, SERVER, USER_PASSWORD


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(port, data, auth):
    args = [str(SERVER), "--host", "127.0.0.1", "--port", str(port), "--storage-path", str(data), "--log-level", "WARNING"]
    process = subprocess.Popen(args + (["--auth"] if auth else []), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            if time.time() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("SecantusDB did not start")
            time.sleep(0.1)


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def template():
    out = subprocess.run(["cargo", "run", "--quiet", "--", "synth", "EventStorePlatform"], cwd=ROOT,
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


@pytest.fixture(scope="session")
def database_user(template):
    (user,) = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "MongoDB::Atlas::DatabaseUser"]
    return user


def evaluate(value, refs):
    """The few intrinsics the variables use, with GetAtt values from `refs`."""
    if isinstance(value, dict):
        (k, v), = value.items()
        if k == "Fn::GetAtt":
            return refs[tuple(v)]
        if k == "Fn::Split":
            return evaluate(v[1], refs).split(v[0])
        if k == "Fn::Select":
            return evaluate(v[1], refs)[v[0]]
        raise AssertionError(f"unexpected intrinsic {k}")
    return value


@pytest.fixture(scope="session")
def variables(template):
    """MONGODB_PROJECTION_* as the backend's task definition gives them to its container
    (`Environment` evaluated with a sample SRV string as Atlas would give it; the password
    from `Secrets`, by its `ValueFrom` reference)."""
    cluster = next(lid for lid, r in template["Resources"].items() if r["Type"] == "MongoDB::Atlas::Cluster")
    refs = {(cluster, "ConnectionStrings.StandardSrv"): SAMPLE_SRV}
    (backend,) = [r for r in template["Resources"].values()
                  if r["Type"] == "AWS::ECS::TaskDefinition" and r["Metadata"]["escdk:path"].endswith("Backend/Service/TaskDefinition")]
    (container,) = backend["Properties"]["ContainerDefinitions"]
    out = {}
    for e in container.get("Environment", []):
        if e["Name"].startswith("MONGODB_PROJECTION_"):
            out[e["Name"]] = evaluate(e["Value"], refs)
    for e in container.get("Secrets", []):
        if e["Name"].startswith("MONGODB_PROJECTION_"):
            assert e["Name"] not in out, f"{e['Name']} is both a value and a secret"
            out[e["Name"]] = e["ValueFrom"]
    return out


@pytest.fixture(scope="session")
def server(database_user):
    if not SERVER.exists():
        pytest.fail("SecantusDB is not installed: run scripts/test (it installs requirements-dev.txt into target/venv)")
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="escdk-mongo-"))
    port = free_port()
    process = start(port, tmp / "data", auth=False)
    try:
        with MongoClient(f"mongodb://127.0.0.1:{port}/?directConnection=true") as c:
            c.admin.command("createUser", "admin", pwd=ADMIN_PASSWORD, roles=[{"role": "root", "db": "admin"}])
            # Exactly what the stack's DatabaseUser declares: its authentication database,
            # its roles (each on its database), its username.
            c[database_user["DatabaseName"]].command(
                "createUser", database_user["Username"], pwd=USER_PASSWORD,
                roles=[{"role": r["RoleName"], "db": r["DatabaseName"]} for r in database_user["Roles"]],
            )
    finally:
        stop(process)
    process = start(port, tmp / "data", auth=True)
    yield {"host": "127.0.0.1", "port": port}
    stop(process)
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def local_env(variables, server):
    """The services' variables for this machine: the password resolved (as ECS does from the
    secret), the port the local server listens on, SRV replaced by a direct host."""
    env = dict(variables)
    env["MONGODB_PROJECTION_DATABASE_PASSWORD"] = USER_PASSWORD
    env["MONGODB_PROJECTION_PORT"] = str(server["port"])
    return env


@pytest.fixture
def admin(server):
    with MongoClient(f"mongodb://admin:{ADMIN_PASSWORD}@127.0.0.1:{server['port']}/?authSource=admin&directConnection=true") as c:
        yield c
