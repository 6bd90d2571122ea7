"""Seeding and readiness checks for scripts/stack/up.sh, with plain REST calls (urllib).

  stack.py seed-keystone STATE   users, projects, roles, the Cinder catalog entries, the app credential
  stack.py wait-cinder STATE T0  cinder-scheduler and cinder-volume up (heartbeats newer than T0), a pool known
  stack.py seed-cinder STATE     volume types standard and fast
  stack.py clouds STATE          writes STATE/clouds.yaml (clouds admin, demo, demo-ac)
"""
import json
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone

PORTS = json.load(open(sys.argv[2] + "/ports.json"))
KEYSTONE = f"http://127.0.0.1:{PORTS['keystone']}/v3"
CINDER = f"http://127.0.0.1:{PORTS['cinder']}"
STATE = sys.argv[2]


def call(method, url, body=None, token=None, expect=(200, 201, 202, 204)):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", "Accept": "application/json"})
    if token:
        req.add_header("X-Auth-Token", token)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            text = res.read().decode() or "{}"
            return res.status, json.loads(text), res.headers
    except urllib.error.HTTPError as err:
        if err.code in expect:
            return err.code, {}, err.headers
        raise SystemExit(f"{method} {url} -> {err.code} {err.read().decode()[:300]}")


def token(user, password, project):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": user, "domain": {"id": "default"}, "password": password}}},
                     "scope": {"project": {"name": project, "domain": {"id": "default"}}}}}
    _, data, headers = call("POST", f"{KEYSTONE}/auth/tokens", body)
    return headers["X-Subject-Token"], data["token"]


def find(kind, key, name, tok):
    _, data, _ = call("GET", f"{KEYSTONE}/{kind}?name={name}", token=tok)
    items = data.get(key, [])
    return items[0]["id"] if items else None


def seed_keystone():
    tok, _ = token("admin", "adminpass", "admin")
    url = f"{CINDER}/v3/%(project_id)s"
    for stype, name in (("volumev3", "cinderv3"), ("block-storage", "cinder")):
        sid = find("services", "services", name, tok)
        if not sid:
            _, data, _ = call("POST", f"{KEYSTONE}/services", {"service": {"type": stype, "name": name}}, tok)
            sid = data["service"]["id"]
            for iface in ("public", "internal", "admin"):
                call("POST", f"{KEYSTONE}/endpoints", {"endpoint": {"service_id": sid, "interface": iface, "url": url, "region_id": "RegionOne"}}, tok)
    pid = find("projects", "projects", "demo", tok)
    if not pid:
        _, data, _ = call("POST", f"{KEYSTONE}/projects", {"project": {"name": "demo", "domain_id": "default"}}, tok)
        pid = data["project"]["id"]
    uid = find("users", "users", "demo", tok)
    if not uid:
        _, data, _ = call("POST", f"{KEYSTONE}/users", {"user": {"name": "demo", "password": "demopass", "domain_id": "default", "default_project_id": pid}}, tok)
        uid = data["user"]["id"]
    rid = find("roles", "roles", "member", tok)
    call("PUT", f"{KEYSTONE}/projects/{pid}/users/{uid}/roles/{rid}", token=tok)
    demo_tok, demo = token("demo", "demopass", "demo")
    _, data, _ = call("POST", f"{KEYSTONE}/users/{demo['user']['id']}/application_credentials", {"application_credential": {"name": "demo-ac"}}, demo_tok)
    ac = data["application_credential"]
    json.dump({"id": ac["id"], "secret": ac["secret"]}, open(f"{STATE}/appcred.json", "w"))


def wait_cinder(t0, timeout=180):
    since = datetime.fromtimestamp(float(t0), timezone.utc).replace(tzinfo=None)
    tok, t = token("admin", "adminpass", "admin")
    pid = t["project"]["id"]
    hdr = "3.0"
    end = time.time() + timeout
    last = ""
    while time.time() < end:
        try:
            _, data, _ = call("GET", f"{CINDER}/v3/{pid}/os-services", token=tok)
            fresh = {s["binary"] for s in data.get("services", []) if s.get("state") == "up" and s.get("updated_at") and datetime.fromisoformat(s["updated_at"]) >= since}
            _, pools, _ = call("GET", f"{CINDER}/v3/{pid}/scheduler-stats/get_pools", token=tok)
            if {"cinder-scheduler", "cinder-volume"} <= fresh and pools.get("pools"):
                return
            last = f"services up since start: {sorted(fresh)}, pools: {len(pools.get('pools', []))}"
        except (OSError, SystemExit) as err:
            last = str(err)
        time.sleep(1)
    raise SystemExit(f"Cinder not ready after {timeout} s ({last}; api {hdr})")


def seed_cinder():
    tok, t = token("admin", "adminpass", "admin")
    pid = t["project"]["id"]
    _, data, _ = call("GET", f"{CINDER}/v3/{pid}/types", token=tok)
    have = {x["name"] for x in data.get("volume_types", [])}
    for name in ("standard", "fast"):
        if name not in have:
            call("POST", f"{CINDER}/v3/{pid}/types", {"volume_type": {"name": name}}, tok)


def clouds():
    ac = json.load(open(f"{STATE}/appcred.json"))
    auth = {"auth_url": KEYSTONE, "user_domain_name": "Default", "project_domain_name": "Default"}
    doc = {"clouds": {
        "admin": {"auth": {**auth, "username": "admin", "password": "adminpass", "project_name": "admin"}, "region_name": "RegionOne", "interface": "public", "identity_api_version": 3},
        "demo": {"auth": {**auth, "username": "demo", "password": "demopass", "project_name": "demo"}, "region_name": "RegionOne", "interface": "public", "identity_api_version": 3},
        "demo-ac": {"auth_type": "v3applicationcredential", "auth": {"auth_url": KEYSTONE, "application_credential_id": ac["id"], "application_credential_secret": ac["secret"]},
                    "region_name": "RegionOne", "interface": "public", "identity_api_version": 3},
    }}
    # JSON is valid YAML.
    json.dump(doc, open(f"{STATE}/clouds.yaml", "w"), indent=2)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "seed-keystone":
        seed_keystone()
    elif cmd == "wait-cinder":
        wait_cinder(sys.argv[3])
    elif cmd == "seed-cinder":
        seed_cinder()
    elif cmd == "clouds":
        clouds()
    else:
        raise SystemExit(f"unknown command {cmd}")
