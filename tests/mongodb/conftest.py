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


def synth(stack):
    out = subprocess.run(["cargo", "run", "--quiet", "--", "synth", stack], cwd=ROOT,
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


@pytest.fixture(scope="session")
def template():
    """The platform's data stack: the projection store."""
    return synth("production-PlatformData")


@pytest.fixture(scope="session")
def services_template():
    """The platform's services stack: the backend, which imports from the data stack."""
    return synth("production-PlatformServices")


@pytest.fixture(scope="session")
def database_user(template):
    (user,) = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "MongoDB::Atlas::DatabaseUser"]
    return user


def evaluate(value, refs, exports=None):
    """The few intrinsics the variables use, with GetAtt values from `refs` and imports
    resolved through the producing stack's `exports` (name -> value)."""
    if isinstance(value, dict):
        (k, v), = value.items()
        if k == "Fn::GetAtt":
            return refs[tuple(v)]
        if k == "Fn::ImportValue":
            assert v in exports, f"{v} is imported but not exported by the data stack"
            return evaluate(exports[v], refs, exports)
        if k == "Fn::Split":
            return evaluate(v[1], refs, exports).split(v[0])
        if k == "Fn::Select":
            return evaluate(v[1], refs, exports)[v[0]]
        raise AssertionError(f"unexpected intrinsic {k}")
    return value


def resolve_imports(value, exports):
    """`value` with each `Fn::ImportValue` replaced by the exported value it names."""
    if isinstance(value, dict):
        if list(value) == ["Fn::ImportValue"]:
            assert value["Fn::ImportValue"] in exports, f"{value} is not exported by the data stack"
            return exports[value["Fn::ImportValue"]]
        return {k: resolve_imports(v, exports) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_imports(v, exports) for v in value]
    return value


@pytest.fixture(scope="session")
def variables(template, services_template):
    """MONGODB_PROJECTION_* as the backend's task definition gives them to its container
    (`Environment` evaluated with a sample SRV string as Atlas would give it; the password
    from `Secrets`, by its `ValueFrom` reference)."""
    cluster = next(lid for lid, r in template["Resources"].items() if r["Type"] == "MongoDB::Atlas::Cluster")
    refs = {(cluster, "ConnectionStrings.StandardSrv"): SAMPLE_SRV}
    exports = {o["Export"]["Name"]: o["Value"] for o in template["Outputs"].values() if "Export" in o}
    (backend,) = [r for r in services_template["Resources"].values()
                  if r["Type"] == "AWS::ECS::TaskDefinition" and r["Metadata"]["escdk:path"].endswith("Backend/Service/TaskDefinition")]
    (container,) = backend["Properties"]["ContainerDefinitions"]
    out = {}
    for e in container.get("Environment", []):
        if e["Name"].startswith("MONGODB_PROJECTION_"):
            out[e["Name"]] = evaluate(e["Value"], refs, exports)
    for e in container.get("Secrets", []):
        if e["Name"].startswith("MONGODB_PROJECTION_"):
            assert e["Name"] not in out, f"{e['Name']} is both a value and a secret"
            out[e["Name"]] = resolve_imports(e["ValueFrom"], exports)
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
