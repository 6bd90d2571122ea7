"""First-run objects of scripts/openstack/up.sh, with plain REST calls. Idempotent.

  seed.py keystone STATE     projects service/demo, users demo/cinder/nova/placement, roles,
                             the catalog, the application credential demo-ac of demo
  seed.py cinder-nova STATE  volume types standard and fast, flavor m1.tiny (id 1)
  seed.py servers STATE      server vm1 of demo, booted from volume vm1-boot (compute 2.37,
                             networks none): something to attach volumes to
  seed.py clouds STATE       writes STATE/clouds.yaml (clouds admin, demo, demo-ac, demo-legacy)

RegionTwo has only identity and compute endpoints (no block storage): the cloud demo-legacy
uses it, so a client falls back to Nova's deprecated os-volumes proxy there.
"""
import time
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
                for p in ("admin", "service", "demo", "research")}
    users = {"admin": find(tok, "users", "admin")}
    for user, password, project in (("demo", "demopass", "demo"), ("cinder", "cinderpass", "service"),
                                    ("nova", "novapass", "service"), ("placement", "placementpass", "service")):
        users[user] = ensure(tok, "users", "user", user, {"name": user, "password": password, "domain_id": "default",
                                                          "default_project_id": projects[project]})
    grants = [("admin", "admin", "admin"), ("demo", "demo", "member"), ("demo", "research", "member")]
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
    _, data, _ = call("GET", f"{KS}/regions", token=tok)
    if "RegionTwo" not in {r["id"] for r in data.get("regions", [])}:
        call("POST", f"{KS}/regions", {"region": {"id": "RegionTwo", "description": "compute only (os-volumes)"}}, tok)
    _, data, _ = call("GET", f"{KS}/services", token=tok)
    services = {s["type"]: s["id"] for s in data["services"]}
    _, data, _ = call("GET", f"{KS}/endpoints", token=tok)
    have = {(e["service_id"], e["interface"], e.get("region_id")) for e in data["endpoints"]}
    for stype, name, url in catalog:
        sid = services.get(stype) or call("POST", f"{KS}/services",
                                          {"service": {"type": stype, "name": name}}, tok)[1]["service"]["id"]
        regions = ("RegionOne", "RegionTwo") if stype in ("identity", "compute") else ("RegionOne",)
        for region in regions:
            for iface in ("public", "internal", "admin"):
                if (sid, iface, region) not in have:
                    call("POST", f"{KS}/endpoints", {"endpoint": {"service_id": sid, "interface": iface, "url": url,
                                                                  "region_id": region}}, tok)

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


def wait(url, tok, key, want, fail=("error", "ERROR"), limit=120):
    t0 = time.time()
    while time.time() - t0 < limit:
        _, data, _ = call("GET", url, token=tok)
        status = data[key]["status"]
        if status == want:
            return
        if status in fail:
            raise SystemExit(f"seed.py servers: {url} went to {status}")
        time.sleep(0.5)
    raise SystemExit(f"seed.py servers: {url} not {want} after {limit} s")


def seed_servers():
    tok, t = token(KS, "demo", "demopass", "demo")
    pid = t["project"]["id"]
    cinder = f"http://127.0.0.1:{P['cinder']}/v3/{pid}"
    nova = f"http://127.0.0.1:{P['nova']}/v2.1"
    _, data, _ = call("GET", f"{nova}/servers?name=^vm1$", token=tok)
    if data.get("servers"):
        return
    _, data, _ = call("GET", f"{cinder}/volumes?name=vm1-boot", token=tok)
    if data.get("volumes"):
        vid = data["volumes"][0]["id"]
    else:
        vid = call("POST", f"{cinder}/volumes", {"volume": {"name": "vm1-boot", "size": 1}}, tok)[1]["volume"]["id"]
        wait(f"{cinder}/volumes/{vid}", tok, "volume", "available")
        call("POST", f"{cinder}/volumes/{vid}/action", {"os-set_bootable": {"bootable": True}}, tok)
    body = {"server": {"name": "vm1", "flavorRef": "1", "networks": "none", "block_device_mapping_v2": [
        {"boot_index": 0, "uuid": vid, "source_type": "volume", "destination_type": "volume", "delete_on_termination": False}]}}
    sid = call("POST", f"{nova}/servers", body, tok, headers={"OpenStack-API-Version": "compute 2.37"})[1]["server"]["id"]
    wait(f"{nova}/servers/{sid}", tok, "server", "ACTIVE")
    print(f"server vm1: {sid} (boot volume {vid})")


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
        "demo-legacy": {"auth_type": "password", "auth": {**auth, "username": "demo", "password": "demopass",
                                                          "project_name": "demo"},
                        **common, "region_name": "RegionTwo"},
    }}
    with open(f"{STATE}/clouds.yaml", "w") as f:  # JSON is valid YAML
        json.dump(doc, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    try:
        {"keystone": seed_keystone, "cinder-nova": seed_cinder_nova, "servers": seed_servers, "clouds": clouds}[sys.argv[1]]()
    except HTTPFail as err:
        raise SystemExit(f"seed.py {sys.argv[1]}: {err}")
