"""CloudFormation's side of a custom resource's ResponseURL, for the tests."""
import http.server
import json


class Responses(http.server.BaseHTTPRequestHandler):
    """CloudFormation's side of the ResponseURL: keeps every answer it is sent."""

    received = []

    def log_message(self, *args):
        pass

    def do_PUT(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Responses.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()
