"""Identity service end to end: supports per second per core, fetch to publish, on real servers.

A benchmark, not a test. It needs the servers of deploy/local/infra.sh (Kafka, PostgreSQL,
S3; `make bench` starts them). It writes N supports' images (front and back as level-1 phone
photos, and a signature) to S3 and their `support.captured` events to Kafka, a backlog, then
starts `apoyo serve identity` with one worker process per core and times how fast the
backlog drains: from the first `identity.decoded` seen by an outside consumer to the last.
Every support is fetched from S3, analysed in the pool, recorded in PostgreSQL, indexed for
picture reuse and published, as in production. The PostgreSQL, Kafka and S3 servers run on
the same cores, so the per-core figure carries their cost too.

Wall-clock rates depend on whatever else the cores run, so it also prints the CPU time per
support over the same span: the service's main process (event loop, S3 client, Kafka and
PostgreSQL clients), its worker pool (the analysis), and each server, less what that server
spent per second in the seconds before and after the run (other clients of shared servers;
their load changes, so on a busy machine the servers' figures are rough). PostgreSQL's
backends serving the service's own database are also counted alone: that figure does not
depend on the other clients (it leaves out the server's shared work, WAL writes and such).

    .venv/bin/python benchmarks/identity_service.py [--supports 720]
"""

import os

os.environ["OMP_NUM_THREADS"] = "1"  # the in-process comparison runs on one thread

import argparse
import asyncio
import hashlib
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import cv2
from aiokafka import AIOKafkaProducer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the e2e harness deploys services as their own processes

from pipeline_load import TICKS, Sampler, cpu_seconds, server_pids  # noqa: E402
from tests.e2e.harness import Deployment, deployment  # noqa: E402

from apoyo.client import support_files  # noqa: E402
from apoyo.synthetic.people import Citizen, make_citizens  # noqa: E402
from apoyo_common.codes import Channel, EvidenceKind  # noqa: E402
from apoyo_common.kafka import ensure_topics  # noqa: E402
from apoyo_common.messages import EvidenceRef, SupportCaptured, SupportForm  # noqa: E402
from apoyo_common.settings import Settings  # noqa: E402
from apoyo_common.storage.s3 import S3Store  # noqa: E402
from apoyo_identity.analysis import analyse_support  # noqa: E402

TARGET = 30.0


def settings_of(deployed: Deployment) -> Settings:
    prefix = "APOYO_"
    values = {k[len(prefix) :].lower(): v for k, v in deployed.env.items() if k.startswith(prefix)}
    return Settings.model_validate(values)


def analysis_alone(count: int) -> float:
    """Supports per CPU second of the CPU part alone on this process's one thread, on the
    first `count` of the same supports: the ceiling the end-to-end figure is compared with."""
    cv2.setNumThreads(1)
    supports = [
        {kind: data for kind, (_, data, _) in support_files(person, 100 + i).items()}
        for i, person in enumerate(make_citizens(count, seed=4242))
    ]
    analyse_support(supports[0])  # warm-up: the MRZ classifier
    started = time.process_time()
    for images in supports:
        analyse_support(images)
    return len(supports) / (time.process_time() - started)


Files = dict[str, tuple[str, bytes, str]]


def supports_files(count: int, kept: bool) -> list[tuple[Citizen, Files]]:
    """The supports' people and files; `kept`: the files made once and kept under .local
    (making the photos takes most of a run: 0.2 s a support), for back-to-back runs."""
    people = make_citizens(count, seed=4242)
    if not kept:
        return [(person, support_files(person, 100 + i)) for i, person in enumerate(people)]
    # The folder is named by the first support's files as made now: photos kept from a
    # generator since changed are not reused (one support made again costs 0.2 s).
    first = support_files(people[0], 100)
    digest = hashlib.sha256(b"".join(data for _, data, _ in first.values())).hexdigest()[:12]
    folder = ROOT / ".local" / "bench-cache" / f"identity-service-{count}-{digest}"
    made = []
    for i, person in enumerate(people):
        support = folder / str(i)
        if not support.is_dir():
            files = first if i == 0 else support_files(person, 100 + i)
            support.mkdir(parents=True)
            for kind, (name, data, content_type) in files.items():
                (support / f"{kind}.{name}.{content_type.replace('/', '_')}").write_bytes(data)
        made.append((person, _kept_files(support)))
    return made


def _kept_files(support: Path) -> Files:
    files = {}
    for path in support.iterdir():
        kind, name_stem, name_ext, content_type = path.name.split(".")
        files[kind] = (f"{name_stem}.{name_ext}", path.read_bytes(), content_type.replace("_", "/"))
    return files


async def backlog(deployed: Deployment, count: int, kept: bool) -> None:
    """`count` supports in S3 and on `support.captured`, as capture would leave them."""
    made = supports_files(count, kept)
    settings = settings_of(deployed)
    store = S3Store.from_settings(settings)
    await store.ensure_ready()
    await ensure_topics(settings)
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for i, (person, files) in enumerate(made):
            event = await stored_support(store, f"bench-{i:05d}", person, files)
            topic = f"{settings.namespace}.support.captured"
            await producer.send(
                topic, event.model_dump_json().encode(), key=event.support_id.encode()
            )
        await producer.flush()
    finally:
        await producer.stop()


async def stored_support(
    store: S3Store, support_id: str, person: Citizen, files: Files
) -> SupportCaptured:
    refs = []
    for kind, (name, data, content_type) in files.items():
        key = f"evidence/gub-son-2027/{support_id}/{name}"
        await store.put(key, data, content_type)
        digest = hashlib.sha256(data).hexdigest()
        refs.append(
            EvidenceRef(
                kind=EvidenceKind(kind),
                object_key=key,
                sha256=digest,
                bytes=len(data),
                content_type=content_type,
            )
        )
    form = SupportForm(
        nombre=person.nombre,
        apellido_paterno=person.apellido_paterno,
        apellido_materno=person.apellido_materno,
        clave_elector=person.clave_elector,
        ocr=person.ocr,
        cic=person.cic,
        consent=True,
    )
    return SupportCaptured(
        support_id=support_id,
        process_id="gub-son-2027",
        aspirant_id="asp-01",
        channel=Channel.AUXILIAR,
        received_at=datetime.now(UTC),
        captured_by="bench",
        form=form,
        evidence=tuple(refs),
    )


def own_cpu(pid: int) -> float:
    """CPU seconds of the process alone, without its children (the worker pool)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return float(int(fields[11]) + int(fields[12])) / TICKS


SESSIONS = "of which its sessions"  # part of the PostgreSQL server's line, not added again


def sessions_cpu(database: str) -> float:
    """CPU seconds of the PostgreSQL backends serving `database` (the service's own: each
    deployment has its database), found by their process titles."""
    title = f"postgres: apoyo {database} ".encode()
    total = 0.0
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "cmdline").read_bytes().startswith(title):
                total += own_cpu(int(entry.name))
        except OSError:
            continue
    return total


def snapshot(service: int | None, database: str = "") -> dict[str, float]:
    found = {name: cpu_seconds(pid) for name, pid in server_pids().items()}
    if service is not None:
        main = own_cpu(service)
        found[SESSIONS] = sessions_cpu(database)  # printed under the server's line
        found |= {"identity main process": main, "identity workers": cpu_seconds(service) - main}
    return found


def background(seconds: float = 5.0) -> dict[str, float]:
    """Each server's CPU seconds per second while the service is not running (other clients)."""
    before = snapshot(None)
    time.sleep(seconds)
    return {k: (v - before.get(k, 0.0)) / seconds for k, v in snapshot(None).items()}


def print_cpu(sampler: Sampler, arrivals: list[float], idle: dict[str, float]) -> float:
    """Prints the CPU ms per support of each process; returns that of them all."""
    span, supports, spent = sampler.made(arrivals)
    print(f"CPU ms per support over {span:.1f} s ({supports} supports after the first batch):")
    nets = {name: max(0.0, seconds - idle.get(name, 0.0) * span) for name, seconds in spent.items()}
    # The server spent at least what the service's own sessions did, however busy others kept it.
    nets["postgres"] = max(nets.get("postgres", 0.0), nets.get(SESSIONS, 0.0))
    for name, net in nets.items():
        note = f" (raw {1000 * spent[name] / supports:.1f})" if name in idle else ""
        label = f"  {name}" if name == SESSIONS else name
        print(f"  {label:24} {1000 * net / supports:7.1f}{note}")
    total = sum(net for name, net in nets.items() if name != SESSIONS)
    per_support = 1000 * total / supports
    print(f"  {'in all':24} {per_support:7.1f} -> {1000 / per_support:.1f} supports/s per core")
    return per_support


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    # 720 by default: runs of 240 read their CPU over 4.7-6.4 s, and theirs spread by 8 ms a
    # support on the quiet machine (41.6-49.3), runs of 720 over 16-18 s by 4 (40.6, 44.2).
    parser.add_argument("--supports", type=int, default=720)
    parser.add_argument(
        "--keep-photos",
        action="store_true",
        help="make the photos once and keep them in .local/bench-cache for later runs",
    )
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    deployed = deployment(ROOT / ".local" / "bench-logs")
    deployed.env["APOYO_IDENTITY_WORKERS"] = str(cores)
    deployed.env.pop("OMP_NUM_THREADS", None)  # the service as deployed: it sets its own
    asyncio.run(backlog(deployed, args.supports, args.keep_photos))
    before = background()
    deployed.start("identity")
    database = deployed.dsn.rsplit("/", 1)[1]
    pid = deployed.processes["identity"].pid
    sampler = Sampler(lambda: snapshot(pid, database))
    try:
        sampler.start()
        seen = asyncio.run(deployed.arrivals("identity.decoded", args.supports, 900))
        arrivals = sorted(seen.values())
    finally:
        sampler.done.set()
        deployed.retire()
    after = background()
    idle = {k: (v + after.get(k, v)) / 2 for k, v in before.items()}
    if len(arrivals) < args.supports:
        raise SystemExit(f"only {len(arrivals)} of {args.supports} supports came out")
    # From the first output on: start-up (worker spawn, classifier load) is not throughput.
    rate = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    print(
        f"identity service end to end, real Kafka/PostgreSQL/S3, {cores} workers on {cores} cores"
    )
    print(f"{args.supports} supports (front, back as level-1 phone photos; signature)")
    print(
        f"{rate:.1f} supports/s in all; {rate / cores:.1f} per core "
        f"(target {TARGET:.0f}: {'PASS' if rate / cores >= TARGET else 'FAIL'})"
    )
    in_all = print_cpu(sampler, arrivals, idle)
    alone = analysis_alone(min(args.supports, 40))
    print(
        f"the analysis alone (analyse_support, one thread): {1000 / alone:.1f} CPU ms per "
        f"support, {alone:.1f} supports/s per core; end to end costs {in_all / (1000 / alone):.1f}"
        " times that: fetching from S3, recording in PostgreSQL, publishing, and the servers."
    )
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
