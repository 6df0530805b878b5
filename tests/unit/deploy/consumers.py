"""What each service really consumes and serves: its units built from the manifests' settings,
the subscriptions they registered on the broker read back (topic, group, consumers per
replica), and whether they serve routes of their own."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from apoyo.services import BUILDERS
from apoyo_common.kafka import make_broker
from apoyo_common.runtime import Infrastructure
from apoyo_common.settings import Settings
from apoyo_common.storage import LocalFolderStore
from tests.unit.deploy.kube import Manifest, named, of_kind


@dataclass(frozen=True)
class Subscription:
    service: str
    topic: str
    group: str
    consumers: int  # members of the group one replica runs on this topic


def settings_for(objects: tuple[Manifest, ...], service: str) -> Settings:
    """The settings a service's pod gets from the ConfigMap and its literal env values."""
    env = dict(named(objects, "ConfigMap", "apoyo-config")["data"])
    container = named(objects, "Deployment", f"apoyo-{service}")["spec"]["template"]["spec"]
    env |= {e["name"]: e["value"] for e in container["containers"][0]["env"] if "value" in e}
    fields = {k.removeprefix("APOYO_").lower(): v for k, v in env.items()}
    fields["signing_key_file"] = None  # the mounted key is not here; the test needs none
    return Settings.model_validate(fields)


@dataclass(frozen=True)
class Built:
    subscriptions: list[Subscription]
    serves_routes: bool  # besides /healthz, /readyz and /metrics


def build_all(objects: tuple[Manifest, ...], scratch: Path) -> dict[str, Built]:
    return {s: _build(s, settings_for(objects, s), scratch) for s in BUILDERS}


def subscriptions(objects: tuple[Manifest, ...], scratch: Path) -> list[Subscription]:
    return [s for built in build_all(objects, scratch).values() for s in built.subscriptions]


def _build(service: str, settings: Settings, scratch: Path) -> Built:
    broker = make_broker(settings, client_id=f"apoyo-{service}")
    # Building wires the adapters to the pool but never uses it: nothing connects here.
    infra = Infrastructure(settings, broker, cast(Any, None), LocalFolderStore(scratch))
    unit = BUILDERS[service](infra)
    for stop in unit.on_stop:
        stop()
    found = []
    for subscriber in broker.subscribers:
        kafka: Any = subscriber  # a Kafka subscriber: its group and topics are its own attributes
        consumers = getattr(kafka, "max_workers", 1)
        found += [Subscription(service, t.name, kafka.group_id, consumers) for t in kafka.topics]
    return Built(found, bool(unit.routes))


def deployments(objects: tuple[Manifest, ...]) -> dict[str, Manifest]:
    return {d["metadata"]["name"].removeprefix("apoyo-"): d for d in of_kind(objects, "Deployment")}
