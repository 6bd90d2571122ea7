"""First-run objects of scripts/openstack/up.sh, with plain REST calls. Idempotent.

  seed.py keystone STATE     projects service/demo, users demo/cinder/nova/placement, roles,
                             the catalog, the application credential demo-ac of demo
  seed.py cinder-nova STATE  volume types standard and fast, flavor m1.tiny (id 1)
  seed.py clouds STATE       writes STATE/clouds.yaml (clouds admin, demo, demo-ac)
"""
import json
import os
import sys

from osrest import HTTPFail, call, ports, token

STATE = os.path.abspath(sys.argv[2])
P = ports(STATE)
KS = f"http://127.0.0.1:{P['keystone']}/v3"


def find(tok, kind, name, key=None):
    _, data, _ = call("GET", f"{KS}/{kind}?name={name}", token=tok)
    items = data.get(key or kind, [])
    return items[0]["id"] if items else None


def ensure(tok, kind, key, name, body):
    return find(tok, kind, name) or call("POST", f"{KS}/{kind}", {key: body}, tok)[1][key]["id"]


def seed_keystone():
    tok, _ = token(KS, "admin", "adminpass", "admin")
    roles = {r: ensure(tok, "roles", "role", r, {"name": r}) for r in ("admin", "member", "reader", "service")}
    projects = {p: ensure(tok, "projects", "project", p, {"name": p, "domain_id": "default"})
                for p in ("admin", "service", "demo")}
    users = {"admin": find(tok, "users", "admin")}
    for user, password, project in (("demo", "demopass", "demo"), ("cinder", "cinderpass", "service"),
                                    ("nova", "novapass", "service"), ("placement", "placementpass", "service")):
        users[user] = ensure(tok, "users", "user", user, {"name": user, "password": password, "domain_id": "default",
                                                          "default_project_id": projects[project]})
    grants = [("admin", "admin", "admin"), ("demo", "demo", "member")]
    grants += [(u, "service", r) for u in ("cinder", "nova", "placement") for r in ("admin", "service")]
    for user, project, role in grants:
        call("PUT", f"{KS}/projects/{projects[project]}/users/{users[user]}/roles/{roles[role]}", token=tok)

    h = "http://127.0.0.1"
    catalog = [("identity", "keystone", f"{h}:{P['keystone']}/v3"),
               ("volumev3", "cinderv3", f"{h}:{P['cinder']}/v3/%(project_id)s"),
               ("block-storage", "cinder", f"{h}:{P['cinder']}/v3/%(project_id)s"),
               ("compute", "nova", f"{h}:{P['nova']}/v2.1"),
               ("placement", "placement", f"{h}:{P['placement']}"),
               ("network", "stub-network", f"{h}:{P['network']}"),
               ("image", "stub-image", f"{h}:{P['image']}")]
    _, data, _ = call("GET", f"{KS}/services", token=tok)
    services = {s["type"]: s["id"] for s in data["services"]}
    _, data, _ = call("GET", f"{KS}/endpoints", token=tok)
    have = {(e["service_id"], e["interface"]) for e in data["endpoints"]}
    for stype, name, url in catalog:
        sid = services.get(stype) or call("POST", f"{KS}/services",
                                          {"service": {"type": stype, "name": name}}, tok)[1]["service"]["id"]
        for iface in ("public", "internal", "admin"):
            if (sid, iface) not in have:
                call("POST", f"{KS}/endpoints", {"endpoint": {"service_id": sid, "interface": iface, "url": url,
                                                              "region_id": "RegionOne"}}, tok)

    # The application credential is made by demo itself (restricted by default).
    demo_tok, demo = token(KS, "demo", "demopass", "demo")
    uid = demo["user"]["id"]
    _, data, _ = call("GET", f"{KS}/users/{uid}/application_credentials?name=demo-ac", token=demo_tok)
    for old in data.get("application_credentials", []):  # its secret is unknown: make it again
        call("DELETE", f"{KS}/users/{uid}/application_credentials/{old['id']}", token=demo_tok)
    _, data, _ = call("POST", f"{KS}/users/{uid}/application_credentials",
                      {"application_credential": {"name": "demo-ac", "description": "scripts/openstack"}}, demo_tok)
    ac = data["application_credential"]
    with open(f"{STATE}/appcred.json", "w") as f:
        json.dump({"id": ac["id"], "secret": ac["secret"]}, f)
    print(f"application credential demo-ac: id {ac['id']} secret {ac['secret']}")


def seed_cinder_nova():
    tok, t = token(KS, "admin", "adminpass", "admin")
    pid = t["project"]["id"]
    cinder = f"http://127.0.0.1:{P['cinder']}/v3/{pid}"
    _, data, _ = call("GET", f"{cinder}/types", token=tok)
    have = {x["name"] for x in data.get("volume_types", [])}
    for name in ("standard", "fast"):
        if name not in have:
            # no "os-volume-type-is-public" here: 400 "Additional properties are not allowed"
            call("POST", f"{cinder}/types", {"volume_type": {"name": name}}, tok)
    nova = f"http://127.0.0.1:{P['nova']}/v2.1"
    try:
        call("GET", f"{nova}/flavors/1", token=tok)
    except HTTPFail as err:
        if err.code != 404:
            raise
        call("POST", f"{nova}/flavors", {"flavor": {"name": "m1.tiny", "id": "1", "ram": 512, "vcpus": 1, "disk": 1}}, tok)


def clouds():
    with open(f"{STATE}/appcred.json") as f:
        ac = json.load(f)
    common = {"region_name": "RegionOne", "interface": "public", "identity_api_version": 3}
    auth = {"auth_url": KS, "user_domain_name": "Default", "project_domain_name": "Default"}
    doc = {"clouds": {
        "admin": {"auth_type": "password", "auth": {**auth, "username": "admin", "password": "adminpass",
                                                    "project_name": "admin"}, **common},
        "demo": {"auth_type": "password", "auth": {**auth, "username": "demo", "password": "demopass",
                                                   "project_name": "demo"}, **common},
        "demo-ac": {"auth_type": "v3applicationcredential",
                    "auth": {"auth_url": KS, "application_credential_id": ac["id"],
                             "application_credential_secret": ac["secret"]}, **common},
    }}
    with open(f"{STATE}/clouds.yaml", "w") as f:  # JSON is valid YAML
        json.dump(doc, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    try:
        {"keystone": seed_keystone, "cinder-nova": seed_cinder_nova, "clouds": clouds}[sys.argv[1]]()
    except HTTPFail as err:
        raise SystemExit(f"seed.py {sys.argv[1]}: {err}")
