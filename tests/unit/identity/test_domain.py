from datetime import date

from apoyo_common.codes import EvidenceKind
from apoyo_identity.domain import EVIDENCE_ALTERED, decode, digests
from apoyo_identity.findings import Code, ImageFindings, SupportFindings
from apoyo_identity.rules.mrz import MrzRead
from tests.factories import JPEG, NOW, captured, citizen, identity_decoded


def images(data: bytes = JPEG) -> dict[EvidenceKind, bytes]:
    return {EvidenceKind.CREDENTIAL_FRONT: data, EvidenceKind.CREDENTIAL_BACK: data}


def read_of(ocr: str, cic: str = "123456789") -> MrzRead:
    lines = ("IDMEX" + cic + "0<<" + ocr, "8001010H3312310MEX01<<<<<<<<<0", "LUNA<<NOE" + "<" * 21)
    return MrzRead(
        lines,
        cic,
        ocr,
        date(1980, 1, 1),
        "H",
        date(2033, 12, 31),
        "MEX",
        "01<<<<<<<<<",
        ("LUNA",),
        ("NOE",),
    )


def test_measures_each_image_and_keys_the_citizen() -> None:
    decoded = identity_decoded(captured(), images(), secret=b"secret")
    assert [f.bytes for f in decoded.evidence] == [len(JPEG), len(JPEG)]
    assert all(f.matches_capture for f in decoded.evidence) and decoded.flags == ()
    assert citizen().clave_elector not in decoded.citizen_key


def test_two_supports_of_one_citizen_share_the_key() -> None:
    one = identity_decoded(captured("s-1"), secret=b"secret")
    two = identity_decoded(captured("s-2"), secret=b"secret")
    other = identity_decoded(captured("s-3", citizen(3)), secret=b"secret")
    assert one.citizen_key == two.citizen_key != other.citizen_key


def test_stored_bytes_that_differ_from_capture_are_flagged() -> None:
    decoded = identity_decoded(captured(), images(JPEG + b"tampered"))
    assert decoded.flags == (EVIDENCE_ALTERED,)


def test_the_read_mrz_keys_the_citizen_and_is_cross_checked() -> None:
    event = captured()
    typed_ocr = event.form.ocr
    assert typed_ocr is not None
    found = SupportFindings(
        {
            "credential_back": ImageFindings(
                mrz=read_of("9999" + typed_ocr[4:]),
                barcodes=(Code("QRCode", "INE_DENSE", "x" * 400),),
            ),
            "credential_front": ImageFindings(flags=("BLURRY",)),
        }
    )
    decoded = identity_decoded(event, found=found)
    by_typed = identity_decoded(event)
    assert decoded.mrz is not None and decoded.mrz.seccion == "9999"
    assert decoded.citizen_key == by_typed.citizen_key  # same identificador, moved sección
    assert {c.field: c.result for c in decoded.checks}["ocr"] == "MISMATCH"
    assert decoded.barcodes[0].kind == "INE_DENSE" and decoded.barcodes[0].text is None
    assert decoded.flags == ("BLURRY",)


def test_no_mrz_swapped_sides_one_side_and_reuse_are_flagged() -> None:
    event = captured()
    swapped = SupportFindings(
        {
            "credential_front": ImageFindings(mrz=read_of("0" * 13), phash=0xF0F0),
            "credential_back": ImageFindings(phash=0xF0F1),  # the same picture, re-encoded
        }
    )
    flags = decode(event, digests(images()), swapped, reused=True, secret=b"k", now=NOW).flags
    assert set(flags) == {"SIDES_SWAPPED", "ONLY_ONE_SIDE", "REUSED_IMAGE"}
    two_pictures = SupportFindings(
        {
            "credential_front": ImageFindings(phash=0),
            "credential_back": ImageFindings(phash=(1 << 64) - 1),
        }
    )
    assert "ONLY_ONE_SIDE" not in identity_decoded(event, found=two_pictures).flags
    none = SupportFindings({"credential_back": ImageFindings()})
    assert "NO_MRZ" in identity_decoded(event, found=none).flags


def test_the_front_is_searched_for_an_mrz_only_when_the_back_has_none() -> None:
    from apoyo.synthetic.credential import back, front
    from apoyo_identity.analysis import analyse_support

    person = citizen(2)
    normal = analyse_support({"credential_front": front(person), "credential_back": back(person)})
    assert normal.images["credential_back"].mrz is not None
    assert normal.images["credential_front"].mrz is None
    swapped = analyse_support({"credential_front": back(person), "credential_back": front(person)})
    assert swapped.images["credential_front"].mrz is not None
    assert swapped.images["credential_back"].mrz is None
