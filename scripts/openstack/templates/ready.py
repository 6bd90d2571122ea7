"""Readiness checks of scripts/openstack/up.sh (REAL-STACK.md section 5). No version headers
(Cinder answers 400 to an OpenStack-API-Version header meant for another service).

  ready.py services STATE T0 DEADLINE  cinder-scheduler/-volume and nova-conductor/-scheduler/
                                       -compute up with a heartbeat newer than T0 (epoch s; a
                                       restart still shows the old heartbeats "up"), the
                                       Cinder scheduler knows a pool, Placement lists a provider
  ready.py hypervisor STATE DEADLINE   GET /os-hypervisors lists stackhost (after discover_hosts)
  ready.py alive STATE                 one quick round of all checks (is a running stack healthy?)
Exit 0 when ready; else prints what is still missing and exits 1 at DEADLINE (epoch s).
"""
import sys
import time
from datetime import datetime, timezone

from osrest import call, ports, token

mode, STATE = sys.argv[1], sys.argv[2]
P = ports(STATE)
KS = f"http://127.0.0.1:{P['keystone']}/v3"


def fresh(services, since):
    out = set()
    for s in services:
        stamp = s.get("updated_at") or s.get("created_at")
        if s.get("state") == "up" and s.get("status") == "enabled" and stamp:
            when = datetime.fromisoformat(stamp.replace("Z", "")).replace(tzinfo=timezone.utc).timestamp()
            if when >= since:
                out.add(s["binary"])
    return out


def check_services(since):
    tok, t = token(KS, "admin", "adminpass", "admin")
    pid = t["project"]["id"]
    cinder = f"http://127.0.0.1:{P['cinder']}/v3/{pid}"
    nova = f"http://127.0.0.1:{P['nova']}/v2.1"
    missing = []
    up = fresh(call("GET", f"{cinder}/os-services", token=tok)[1].get("services", []), since)
    missing += sorted({"cinder-scheduler", "cinder-volume"} - up)
    if not call("GET", f"{cinder}/scheduler-stats/get_pools", token=tok)[1].get("pools"):
        missing.append("a Cinder pool (get_pools)")
    up = fresh(call("GET", f"{nova}/os-services", token=tok)[1].get("services", []), since)
    missing += sorted({"nova-conductor", "nova-scheduler", "nova-compute"} - up)
    rps = call("GET", f"http://127.0.0.1:{P['placement']}/resource_providers", token=tok)[1]
    if not rps.get("resource_providers"):
        missing.append("a Placement resource provider")
    return missing


def check_hypervisor():
    tok, _ = token(KS, "admin", "adminpass", "admin")
    hv = call("GET", f"http://127.0.0.1:{P['nova']}/v2.1/os-hypervisors", token=tok)[1].get("hypervisors", [])
    return [] if any(h.get("hypervisor_hostname") == "stackhost" for h in hv) else ["hypervisor stackhost in GET /os-hypervisors"]


def check_stubs():
    for port in (P["network"], P["image"]):
        call("GET", f"http://127.0.0.1:{port}/v2.0/ports", timeout=5)
    return []


def wait(check, deadline):
    last = "nothing checked"
    while True:
        try:
            missing = check()
            if not missing:
                return 0
            last = "not yet: " + ", ".join(missing)
        except Exception as err:  # noqa: BLE001 - a service still starting
            last = f"{type(err).__name__}: {err}"
        if time.time() >= deadline:
            print(f"ready.py {mode}: {last}", file=sys.stderr)
            return 1
        time.sleep(0.5)


if __name__ == "__main__":
    if mode == "services":
        sys.exit(wait(lambda: check_services(float(sys.argv[3]) - 1), float(sys.argv[4])))
    elif mode == "hypervisor":
        sys.exit(wait(check_hypervisor, float(sys.argv[3])))
    elif mode == "alive":
        sys.exit(wait(lambda: check_stubs() + check_services(0) + check_hypervisor(), 0))
    raise SystemExit(f"unknown mode {mode}")
