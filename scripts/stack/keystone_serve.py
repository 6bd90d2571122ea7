# Keystone's WSGI app served by wsgiref, one request at a time (sqlite: no concurrent writers).
import os
import sys

port = int(sys.argv[1])
os.environ["OS_KEYSTONE_CONFIG_FILES"] = sys.argv[2]
# initialize_public_application() parses sys.argv as oslo options.
sys.argv = sys.argv[:1]
from wsgiref.simple_server import WSGIRequestHandler, make_server  # noqa: E402

from keystone.server.wsgi import initialize_public_application  # noqa: E402

app = initialize_public_application()


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


make_server("127.0.0.1", port, app, handler_class=Quiet).serve_forever()
