"""A load run for the dashboard pictures: every service as its own process on the servers of
deploy/local/infra.sh (tests/e2e/harness.py), Prometheus and postgres_exporter scraping them
(deploy/local/monitoring.sh, on its own ports and state directory), `apoyo load` at a modest
rate; then the services stop and Prometheus keeps running with the run's series.

    .venv/bin/python -m scripts.dashboard_picture.load_run --rate 10 --duration 120

It prints the run's window (UTC) and writes it, with `apoyo load`'s figures, to
STATE/run.json; `.venv/bin/python -m scripts.dashboard_picture --from ... --to ...` draws it.
Stop Prometheus afterwards with `APOYO_STATE=STATE PROM_PORT=... deploy/local/monitoring.sh stop`.
"""

import argparse
import json
import os
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.e2e.conftest import PROCESS
from tests.e2e.harness import SERVICES, Deployment, deployment
from tests.paths import APOYO, ROOT
from tests.roll_files import CUT

from apoyo.synthetic.people import make_citizens

MONITORING = ROOT / "deploy" / "local" / "monitoring.sh"
# `apoyo load`'s pool of citizens (apoyo.load_report.Target): loaded as the cut, so
# verification finds them instead of parking messages for a missing cut.
PEOPLE, SEED = 5000, 2027


def start_monitoring(deployed: Deployment, state: Path, ports: tuple[int, int]) -> None:
    targets = ",".join(f"127.0.0.1:{deployed.ports[s]}" for s in SERVICES)
    env = {**os.environ, "APOYO_STATE": str(state), "APOYO_METRICS_TARGETS": targets}
    env |= {"PROM_PORT": str(ports[0]), "EXPORTER_PORT": str(ports[1])}
    subprocess.run(["bash", str(MONITORING), "start"], env=env, check=True, timeout=120)


def load(deployed: Deployment, rate: float, duration: float, report: Path) -> None:
    command = [APOYO, "load", "--url", deployed.capture_url, "--rate", str(rate)]
    command += ["--duration", str(duration), "--aspirant", "asp-01", "--aspirant", "asp-02"]
    command += ["--drain", "900", "--every", "10", "--report", str(report)]
    for service in ("identity", "verification"):
        command += ["--metrics", f"{service}=http://127.0.0.1:{deployed.ports[service]}"]
    subprocess.run(command, env=deployed.env, check=True, timeout=duration + 1200)


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=10)
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument("--state", type=Path, default=ROOT / ".local" / "dashboard-run")
    parser.add_argument("--prom-port", type=int, default=9491)
    parser.add_argument("--exporter-port", type=int, default=9492)
    parser.add_argument("--quiet", type=float, default=60, help="seconds scraped before/after")
    args = parser.parse_args()
    args.state.mkdir(parents=True, exist_ok=True)
    deployed = deployment(args.state / "logs")
    deployed.env |= {"APOYO_RATE_IP_PER_S": "0", "APOYO_RATE_TOKEN_PER_S": "0"}
    run: dict[str, object] = {"rate": args.rate, "duration_s": args.duration}
    try:
        for service in SERVICES:
            deployed.start(service)
        deployed.wait_ready()
        deployed.create_process(PROCESS)
        deployed.load_roll(make_citizens(PEOPLE, seed=SEED), CUT)
        start_monitoring(deployed, args.state, (args.prom_port, args.exporter_port))
        run |= {"from": stamp(), "load_average_start": os.getloadavg()}
        time.sleep(args.quiet)
        load(deployed, args.rate, args.duration, args.state / "load.json")
        time.sleep(args.quiet)
        run |= {"to": stamp(), "load_average_end": os.getloadavg()}
    finally:
        deployed.stop_all()
    (args.state / "run.json").write_text(json.dumps(run, indent=2), encoding="utf-8")
    print(json.dumps(run))


if __name__ == "__main__":
    main()
