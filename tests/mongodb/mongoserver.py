"""Constants of the MongoDB tests (conftest.py has the fixtures)."""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
# SecantusDB's server, installed by scripts/test into the same venv as pytest.
SERVER = pathlib.Path(sys.executable).parent / "secantusd-py"
ADMIN_PASSWORD = "local-test-admin"
USER_PASSWORD = "Generated32CharsLikeTheSecretDoes"
# What Atlas gives as ConnectionStrings.StandardSrv.
SAMPLE_SRV = "mongodb+srv://projection-store.ab1cd.mongodb.net"
