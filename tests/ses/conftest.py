import http.server
import json
import pathlib
import subprocess
import sys
import threading

import pytest
from moto.server import ThreadedMotoServer

from cfn_responses import Responses

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "constructs" / "assets" / "ses_smtp_credentials"))


@pytest.fixture(scope="session")
def template():
    out = subprocess.run(
        ["cargo", "run", "--quiet", "--", "synth", "production-PlatformData"], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


@pytest.fixture(scope="session")
def moto_url():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def response_url():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Responses)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/response"
    httpd.shutdown()
