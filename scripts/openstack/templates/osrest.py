"""Plain REST helpers (urllib) shared by seed.py and ready.py; ports from STATE/ports.json."""
import json
import urllib.error
import urllib.request


class HTTPFail(Exception):
    def __init__(self, method, url, code, text):
        super().__init__(f"{method} {url} -> HTTP {code}: {text[:400]}")
        self.code = code


def ports(state):
    with open(f"{state}/ports.json") as f:
        return json.load(f)


def call(method, url, body=None, token=None, headers=None, timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json", "Accept": "application/json"})
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    if token:
        req.add_header("X-Auth-Token", token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            text = res.read().decode()
            return res.status, (json.loads(text) if text.strip() else {}), res.headers
    except urllib.error.HTTPError as err:
        raise HTTPFail(method, url, err.code, err.read().decode(errors="replace")) from None


def token(keystone, user, password, project):
    """Project-scoped password token: (token, token body)."""
    body = {"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": user, "domain": {"id": "default"}, "password": password}}},
        "scope": {"project": {"name": project, "domain": {"id": "default"}}}}}
    _, data, headers = call("POST", f"{keystone}/auth/tokens", body)
    return headers["X-Subject-Token"], data["token"]
