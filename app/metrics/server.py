"""Metrics on a port of their own (JAVSKOLL_METRICS=port), without an API key.

Started by `javskoll serve` in its own process before the workers, so that one listener
answers for all of them. Bind it where only Prometheus reaches it (the default host is
127.0.0.1); anyone who can reach the port can read the metrics.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy.orm import Session, sessionmaker

from app.metrics.exposition import CONTENT_TYPE, in_new_session, render


def start_metrics_server(
    host: str, port: int, sessions: sessionmaker[Session]
) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server name
            if self.path.split("?")[0] != "/metrics":
                self.send_error(404)
                return
            body = render(in_new_session(sessions))
            self.send_response(200)
            self.send_header("Content-Type", CONTENT_TYPE)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # scrapes every few seconds would drown the service's own log

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server
