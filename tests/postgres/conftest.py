"""Fixtures: a real PostgreSQL 15 on 127.0.0.1 for the session, a fresh event store
database for each test, and the schema properties of the synthesized platform stack."""
import json
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time

import psycopg
import pytest

from pgserver import BIN, ROOT, SUPERUSER_PASSWORD, _as_postgres, connect


@pytest.fixture(scope="session")
def server():
    if not (BIN / "postgres").exists():
        pytest.fail("PostgreSQL 15 is not installed: run scripts/test (it installs Debian's postgresql-15)")
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="escdk-pg-"))
    data, sockets, pwfile = tmp / "data", tmp / "sockets", tmp / "pw"
    sockets.mkdir()
    pwfile.write_text(SUPERUSER_PASSWORD)
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres")
        shutil.chown(sockets, "postgres")
        shutil.chown(pwfile, "postgres")
    subprocess.run(
        _as_postgres([str(BIN / "initdb"), "-D", str(data), "-U", "postgres", f"--pwfile={pwfile}",
                      "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8"]),
        check=True, capture_output=True,
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(tmp / "server.log", "w")
    process = subprocess.Popen(
        _as_postgres([str(BIN / "postgres"), "-D", str(data), "-p", str(port), "-c", "listen_addresses=127.0.0.1",
                      "-c", f"unix_socket_directories={sockets}", "-c", "wal_level=logical",
                      "-c", "max_replication_slots=10", "-c", "max_wal_senders=10"]),
        stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 30
    while True:
        try:
            psycopg.connect(host="127.0.0.1", port=port, user="postgres", password=SUPERUSER_PASSWORD, dbname="postgres").close()
            break
        except psycopg.OperationalError:
            if time.time() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("PostgreSQL did not start: " + (tmp / "server.log").read_text())
            time.sleep(0.2)
    with psycopg.connect(host="127.0.0.1", port=port, user="postgres", password=SUPERUSER_PASSWORD, dbname="postgres", autocommit=True) as c:
        c.execute("CREATE DATABASE eventstore")
    yield {"host": "127.0.0.1", "port": port}
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def template():
    out = subprocess.run(
        ["cargo", "run", "--quiet", "--", "synth", "production-PlatformData"], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


@pytest.fixture(scope="session")
def schema_properties(template):
    """The properties the stack gives the schema custom resource (its SQL included)."""
    return next(r["Properties"] for r in template["Resources"].values() if r["Type"] == "Custom::EventStoreSchema")


@pytest.fixture
def admin(server):
    """A fresh event store database for each test, as its owner."""
    with connect(server, dbname="postgres", autocommit=True) as c:
        c.execute("DROP DATABASE IF EXISTS eventstore WITH (FORCE)")
        for slot in c.execute("SELECT slot_name FROM pg_replication_slots").fetchall():
            c.execute("SELECT pg_drop_replication_slot(%s)", slot)
        c.execute("CREATE DATABASE eventstore")
        c.execute("DROP ROLE IF EXISTS replication_user")
        c.execute("DROP ROLE IF EXISTS rds_replication")
    conn = connect(server, autocommit=True)
    yield conn
    conn.close()
