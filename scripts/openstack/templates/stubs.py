"""Stand-ins for Neutron (catalog type network) and Glance (catalog type image). NOT the real
services: every GET answers an empty list named after the last path segment
(/v2.0/ports.json -> {"ports": []}, /v2.0/security-groups -> {"security_groups": []}).

Why: Nova 26 asks Neutron for ports and security groups on GET /servers/{id} and
/servers/detail even for "networks": "none" servers (500 without an endpoint); a server build
needs the image service URL; openstackclient needs an image entry in the catalog."""
import json


def _app(name, version_path):
    def app(environ, start_response):
        path = environ.get("PATH_INFO", "/").rstrip("/")
        method = environ.get("REQUEST_METHOD", "GET")
        base = f"http://127.0.0.1:{environ.get('SERVER_PORT')}"
        if path in ("", "/"):
            status = "300 Multiple Choices" if name == "image" else "200 OK"
            body = {"versions": [{"id": version_path.strip("/"), "status": "CURRENT",
                                  "links": [{"rel": "self", "href": f"{base}{version_path}"}]}]}
        elif method == "GET":
            last = path.split("/")[-1]
            if last.endswith(".json"):
                last = last[:-5]
            status, body = "200 OK", {last.replace("-", "_"): []}
        elif method == "DELETE":
            status, body = "404 Not Found", {"NotFound": {"message": f"stub-{name} has nothing"}}
        else:
            status, body = "501 Not Implemented", {"error": f"stub-{name} only answers GET"}
        data = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]
    return app


network = _app("network", "/v2.0/")
image = _app("image", "/v2/")
