from apoyo_common.topics import (
    ALL_TOPICS,
    PIPELINE_TOPICS,
    citizen_identity,
    citizen_key,
    dead_letter_topic,
    qualified,
)

SECRET = b"k"


def test_pipeline_topics_are_the_five_of_the_architecture() -> None:
    assert PIPELINE_TOPICS == (
        "support.captured",
        "identity.decoded",
        "support.verified",
        "support.notified",
        "support.exported",
    )
    assert all(dead_letter_topic(t) in ALL_TOPICS for t in PIPELINE_TOPICS)


def test_identity_prefers_identificador_over_clave() -> None:
    assert (
        citizen_identity(support_id="s", ocr="0123456789012", clave_elector="X") == "id:456789012"
    )
    assert citizen_identity(support_id="s", ocr=None, clave_elector=" abcdef ") == "clave:ABCDEF"
    assert citizen_identity(support_id="s", ocr="12", clave_elector=None) == "support:s"


def test_the_same_citizen_moving_seccion_keeps_the_key() -> None:
    moved = citizen_identity(support_id="a", ocr="0001456789012", clave_elector=None)
    stayed = citizen_identity(support_id="b", ocr="0002456789012", clave_elector=None)
    assert citizen_key(SECRET, "p", moved) == citizen_key(SECRET, "p", stayed)


def test_citizen_key_hides_identity_and_differs_per_process_and_secret() -> None:
    key = citizen_key(SECRET, "p1", "clave:GRSOMR80010126H123")
    assert len(key) == 32 and "GRSOMR" not in key
    assert key != citizen_key(SECRET, "p2", "clave:GRSOMR80010126H123")
    assert key != citizen_key(b"other", "p1", "clave:GRSOMR80010126H123")


def test_namespace_qualifies_names() -> None:
    assert qualified("", "support.captured") == "support.captured"
    assert qualified("run7", "support.captured") == "run7.support.captured"
