"""Serves one WSGI app with wsgiref, one request at a time (sqlite: a single writer).

  wsgi_serve.py keystone     PORT STATE/etc/keystone.conf
  wsgi_serve.py placement    PORT STATE/etc            (the folder holding placement.conf)
  wsgi_serve.py stub-network PORT
  wsgi_serve.py stub-image   PORT
"""
import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

kind, port = sys.argv[1], int(sys.argv[2])
conf = sys.argv[3] if len(sys.argv) > 3 else ""
# Keystone's initialize_public_application() parses sys.argv as its options
# ("unrecognized arguments: 127.0.0.1 32500 …"): clear it first.
sys.argv = sys.argv[:1]

if kind == "keystone":
    os.environ["OS_KEYSTONE_CONFIG_FILES"] = conf
    from keystone.server.wsgi import initialize_public_application
    app = initialize_public_application()
elif kind == "placement":
    os.environ["OS_PLACEMENT_CONFIG_DIR"] = conf
    from placement.wsgi import init_application
    app = init_application()
elif kind in ("stub-network", "stub-image"):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import stubs
    app = stubs.network if kind == "stub-network" else stubs.image
else:
    raise SystemExit(f"unknown app {kind}")


class Handler(WSGIRequestHandler):
    def log_message(self, fmt, *args):  # one line per request on stderr (the .out log)
        sys.stderr.write("%s %s\n" % (kind, fmt % args))


class Server(WSGIServer):
    allow_reuse_address = True


print(f"{kind} listening on 127.0.0.1:{port}", flush=True)
make_server("127.0.0.1", port, app, server_class=Server, handler_class=Handler).serve_forever()
