"""Kafka on Kubernetes follows the code: the topics of apoyo_common.topics, partitions for
every consumer at the autoscalers' maximum, and consumers scaled on their real groups' lag."""

from collections import Counter
from pathlib import Path

import pytest

from apoyo.services import BUILDERS
from apoyo_common.topics import ALL_TOPICS, qualified
from tests.unit.deploy.autoscalers import autoscalers, max_replicas
from tests.unit.deploy.consumers import Subscription, settings_for, subscriptions
from tests.unit.deploy.kube import OVERLAYS, Manifest, named, of_kind, render

Rendered = tuple[tuple[Manifest, ...], list[Subscription]]
HTTP_SCALED = {"capture"}  # scales on CPU; its subscription is light (receipts)


def topics(objects: tuple[Manifest, ...]) -> dict[str, Manifest]:
    return {t["spec"]["topicName"]: t for t in of_kind(objects, "KafkaTopic")}


def kafka_triggers(scaled: Manifest) -> set[tuple[str, str]]:
    return {
        (t["metadata"]["topic"], t["metadata"]["consumerGroup"])
        for t in scaled["spec"]["triggers"]
        if t["type"] == "kafka"
    }


@pytest.fixture(scope="module", params=OVERLAYS)
def overlay(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[tuple[Manifest, ...], list[Subscription]]:
    objects = render(request.param)
    return objects, subscriptions(objects, Path(tmp_path_factory.mktemp("objects")))


def test_there_is_a_kafka_topic_for_every_topic_the_code_names(overlay: Rendered) -> None:
    objects, _ = overlay
    namespace = settings_for(objects, "capture").namespace
    assert set(topics(objects)) == {qualified(namespace, t) for t in ALL_TOPICS}
    kafka = named(objects, "Kafka", "apoyo")["metadata"]["name"]
    assert {
        t["metadata"]["labels"]["strimzi.io/cluster"] for t in of_kind(objects, "KafkaTopic")
    } == {kafka}


def test_partitions_cover_every_consumer_at_the_largest_replica_count(overlay: Rendered) -> None:
    objects, subscribed = overlay
    by_name = topics(objects)
    # Two subscriptions of one group on one topic share its partitions: their members add up.
    members: Counter[tuple[str, str, str]] = Counter()
    for s in subscribed:
        members[s.service, s.topic, s.group] += max_replicas(objects, s.service) * s.consumers
    assert members, "no subscription read back"
    for (service, topic, group), consumers in members.items():
        assert by_name[topic]["spec"]["partitions"] >= consumers, (service, topic, group)


def test_every_consumer_but_capture_scales_on_the_lag_of_each_topic_it_reads(
    overlay: Rendered,
) -> None:
    objects, subscribed = overlay
    bootstrap = settings_for(objects, "capture").kafka_bootstrap
    for service in {s.service for s in subscribed} - HTTP_SCALED:
        (scaled,) = autoscalers(objects)[f"apoyo-{service}"]
        assert scaled["kind"] == "ScaledObject", service
        read = {(s.topic, s.group) for s in subscribed if s.service == service}
        assert kafka_triggers(scaled) == read
        servers = {
            t["metadata"]["bootstrapServers"]
            for t in scaled["spec"]["triggers"]
            if t["type"] == "kafka"
        }
        assert servers == {bootstrap}


def test_identity_also_scales_on_cpu(overlay: Rendered) -> None:
    objects, _ = overlay
    (scaled,) = autoscalers(objects)["apoyo-identity"]
    assert "cpu" in {t["type"] for t in scaled["spec"]["triggers"]}


def test_topics_survive_the_loss_of_a_broker(overlay: Rendered) -> None:
    objects, _ = overlay
    brokers = sum(
        p["spec"]["replicas"]
        for p in of_kind(objects, "KafkaNodePool")
        if "broker" in p["spec"]["roles"]
    )
    for topic in of_kind(objects, "KafkaTopic"):
        replicas, in_sync = (
            topic["spec"]["replicas"],
            topic["spec"]["config"]["min.insync.replicas"],
        )
        assert in_sync < replicas <= brokers


def test_postgresql_takes_every_pool_at_the_largest_replica_count(overlay: Rendered) -> None:
    objects, _ = overlay
    connections = sum(
        max_replicas(objects, s) * settings_for(objects, s).db_pool_max for s in BUILDERS
    )
    cluster = named(objects, "Cluster", "apoyo-db")["spec"]
    assert connections < int(cluster["postgresql"]["parameters"]["max_connections"])
