"""Helpers for the tests on a real PostgreSQL 15 (Debian's postgresql-15, installed by scripts/test) on 127.0.0.1,
with wal_level=logical, in a temporary data directory; stopped and removed afterwards
(the fixtures are in conftest.py). As root, the server runs as the `postgres` system user (PostgreSQL refuses root)."""
import os
import pathlib
import sys

import psycopg

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path("/usr/lib/postgresql/15/bin")
SUPERUSER_PASSWORD = "local-test-superuser"
sys.path.insert(0, str(ROOT / "constructs" / "assets" / "event_store_schema"))


def _as_postgres(args):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def connect(server, user="postgres", password=SUPERUSER_PASSWORD, dbname="eventstore", **kw):
    return psycopg.connect(host=server["host"], port=server["port"], user=user, password=password, dbname=dbname, **kw)


