"""Every rule of docs/verification.md's table, in its order, on synthetic supports."""

from datetime import timedelta

import pytest

from apoyo.synthetic.mrz import mrz_fields as mrz
from apoyo_common.codes import Channel, EvidenceKind, Status
from apoyo_common.credential import FieldCheck
from apoyo_common.processes import ProcessDefinition, Territory
from apoyo_verification.classify import Case, Verdict, classify
from apoyo_verification.lookup import Found, Path
from tests.factories import NOW
from tests.unit.verification.cases import (
    KINDS,
    PROCESS,
    decoded,
    form,
    found,
    person,
    with_window,
)
from tests.unit.verification.cases import (
    record as record_of,
)

WHO = person()


def judge(
    support: object = None, record: Found | None = None, process: ProcessDefinition = PROCESS
) -> Verdict:
    support = support if support is not None else decoded(WHO)
    assert not isinstance(support, Found)
    return classify(Case(support, process, record))  # type: ignore[arg-type]


def test_a_clean_support_found_in_the_ln_of_the_territory_is_en_lista_nominal() -> None:
    assert judge(record=found(WHO)) == Verdict(Status.EN_LISTA_NOMINAL)


# a. Capture window, with 24 hours to upload what was captured in time.
def test_received_before_the_window_is_fuera_de_plazo() -> None:
    early = decoded(WHO, received_at=PROCESS.capture.start - timedelta(seconds=1))
    assert judge(early, found(WHO)) == Verdict(Status.INCONSISTENCIA, ("FUERA_DE_PLAZO",))


def test_captured_in_time_and_uploaded_within_24_hours_counts() -> None:
    end = PROCESS.capture.end
    late = decoded(
        WHO, typed=form(WHO, captured_at=end - timedelta(hours=1)),
        received_at=end + timedelta(hours=23),
    )  # fmt: skip
    assert judge(late, found(WHO)).status is Status.EN_LISTA_NOMINAL


@pytest.mark.parametrize(
    ("captured", "received"),
    [(timedelta(hours=-1), timedelta(hours=25)), (timedelta(minutes=1), timedelta(hours=2))],
)
def test_uploaded_after_the_grace_or_captured_after_the_end_is_fuera_de_plazo(
    captured: timedelta, received: timedelta
) -> None:
    end = PROCESS.capture.end
    support = decoded(WHO, typed=form(WHO, captured_at=end + captured), received_at=end + received)
    assert judge(support, found(WHO)).reasons == ("FUERA_DE_PLAZO",)


def test_without_captured_at_the_reception_time_is_the_capture_time() -> None:
    process = with_window(NOW - timedelta(days=2), NOW - timedelta(days=1))
    assert judge(decoded(WHO), found(WHO), process).reasons == ("FUERA_DE_PLAZO",)


def test_a_capture_time_later_than_the_reception_is_not_believed() -> None:
    ahead = decoded(WHO, typed=form(WHO, captured_at=PROCESS.capture.end + timedelta(days=1)))
    assert judge(ahead, found(WHO)).status is Status.EN_LISTA_NOMINAL


# b. Hard evidence problems.
@pytest.mark.parametrize(
    ("flags", "reasons"),
    [
        (("GRAYSCALE",), ("FOTOCOPIA",)),
        (("GRAYSCALE", "PHOTOCOPY"), ("FOTOCOPIA",)),
        (("REUSED_IMAGE",), ("SIMULACION",)),
        (("ONLY_ONE_SIDE",), ("SOLO_ANVERSO_O_REVERSO",)),
        (("NO_FACE",), ("FOTO_VIVA_NO_VALIDA",)),
        (("PHOTOCOPY", "REUSED_IMAGE", "BLURRY"), ("FOTOCOPIA", "SIMULACION")),
    ],
)
def test_hard_flags_are_inconsistencias(flags: tuple[str, ...], reasons: tuple[str, ...]) -> None:
    assert judge(decoded(WHO, flags=flags), found(WHO)) == Verdict(Status.INCONSISTENCIA, reasons)


def test_a_copy_of_the_credential_is_allowed_on_paper() -> None:
    paper = decoded(WHO, flags=("GRAYSCALE", "PHOTOCOPY"), channel=Channel.CEDULA_PAPEL)
    assert judge(paper, found(WHO)).status is Status.EN_LISTA_NOMINAL


def test_missing_signature_selfie_or_side_are_inconsistencias() -> None:
    no_signature = decoded(WHO, kinds=KINDS[:2])
    assert judge(no_signature, found(WHO)).reasons == ("SIN_FIRMA",)
    selfie = PROCESS.model_copy(update={"require_selfie": True})
    assert judge(decoded(WHO), found(WHO), selfie).reasons == ("FOTO_VIVA_NO_VALIDA",)
    with_selfie = decoded(WHO, kinds=(*KINDS, EvidenceKind.SELFIE))
    assert judge(with_selfie, found(WHO), selfie).status is Status.EN_LISTA_NOMINAL
    no_back = decoded(WHO, kinds=(EvidenceKind.CREDENTIAL_FRONT, EvidenceKind.SIGNATURE))
    assert judge(no_back, found(WHO)).reasons == ("SOLO_ANVERSO_O_REVERSO",)


# c. What was typed against what the card says.
def test_typed_data_contradicting_the_card_is_datos_no_coinciden() -> None:
    checks = (
        FieldCheck(field="cic", result="MISMATCH"),
        FieldCheck(field="nombre", result="MISMATCH"),
        FieldCheck(field="ocr", result="MATCH"),
        FieldCheck(field="seccion", result="NOT_TYPED"),
    )
    verdict = judge(decoded(WHO, checks=checks), found(WHO))
    assert verdict == Verdict(Status.DATOS_NO_COINCIDEN, ("CIC", "NOMBRE"))


def test_a_card_of_one_person_with_anothers_data_typed_is_not_a_duplicate() -> None:
    other = person(1)
    support = decoded(WHO, typed=form(other), checks=(FieldCheck(field="cic", result="MISMATCH"),))
    assert judge(support, found(WHO)).status is Status.DATOS_NO_COINCIDEN


# d. The record in the cut.
def test_nobody_found_is_no_encontrado() -> None:
    assert judge(decoded(WHO), None) == Verdict(Status.NO_ENCONTRADO)


def test_nothing_typed_and_nothing_read_goes_to_the_desk_as_ilegible() -> None:
    blank = decoded(None, typed=form(None), flags=("NO_MRZ", "BLURRY"))
    assert judge(blank, None) == Verdict(Status.PENDIENTE_REVISION, ("ILEGIBLE",))


@pytest.mark.parametrize(
    ("changes", "reasons"),
    [
        ({"nombre": "OTRO"}, ("NOMBRE",)),
        ({"apellido_paterno": "PEREZ"}, ("APELLIDO_PATERNO", "APELLIDOS")),
        ({"emision": "09"}, ("EMISION",)),
        ({"fecha_nacimiento": "1960-01-01"}, ("FECHA_NACIMIENTO",)),
    ],
)
def test_a_record_that_contradicts_the_support_is_datos_no_coinciden(
    changes: dict[str, str], reasons: tuple[str, ...]
) -> None:
    verdict = judge(decoded(WHO), found(WHO, **changes))
    assert verdict == Verdict(Status.DATOS_NO_COINCIDEN, reasons)


def test_found_only_by_clave_with_another_card_is_datos_no_coinciden() -> None:
    support = decoded(WHO, card=False)
    record = Found(record_of(WHO, cic="999999999", emision="07"), Path.CLAVE)
    assert judge(support, record) == Verdict(Status.DATOS_NO_COINCIDEN, ("CIC", "EMISION"))


def test_names_compare_without_case_accents_n_tilde_or_extra_spaces() -> None:
    typed = form(WHO, nombre=f"  {WHO.nombre.lower()}  ", apellido_paterno="Núñez")
    record = found(WHO, apellido_paterno="NUÑEZ")
    support = decoded(WHO, typed=typed, card=False)
    assert judge(support, record).status is Status.EN_LISTA_NOMINAL


def test_a_name_cut_short_by_the_mrz_still_matches() -> None:
    read = mrz(WHO)
    cut = read.model_copy(
        update={"lines": (*read.lines[:2], read.lines[2][:29] + "X"), "given_names": ("N",)}
    )
    record = found(WHO, nombre="NOE")
    assert judge(decoded(WHO, read=cut, typed=form(None)), record).status is Status.EN_LISTA_NOMINAL


# e. The record's situación.
def test_a_baja_carries_its_cause_and_padron_is_en_padron_no_ln() -> None:
    baja = found(WHO, situacion="BAJA", causa_baja="DEFUNCION")
    assert judge(record=baja) == Verdict(Status.BAJA, ("DEFUNCION",))
    assert judge(record=found(WHO, situacion="PADRON")) == Verdict(Status.EN_PADRON_NO_LN)


# f. The process's territory.
def test_a_record_outside_the_territory_is_fuera_ambito() -> None:
    assert judge(record=found(WHO, entidad="02")) == Verdict(Status.FUERA_AMBITO, ("ENTIDAD",))
    district = PROCESS.model_copy(
        update={"territory": Territory(entidad="26", distrito_local="05")}
    )
    verdict = judge(record=found(WHO), process=district)
    assert verdict == Verdict(Status.FUERA_AMBITO, ("DISTRITO_LOCAL",))


# g. An expired credential.
def test_an_expired_card_or_record_is_credencial_no_valida() -> None:
    expected = Verdict(Status.INCONSISTENCIA, ("CREDENCIAL_NO_VALIDA",))
    assert judge(decoded(WHO, read=mrz(WHO, expiry_year=2025)), found(WHO)) == expected
    assert judge(record=found(WHO, vigencia="2025")) == expected
    assert judge(record=found(WHO, vigencia="2026")).status is Status.EN_LISTA_NOMINAL


# h. Soft evidence problems: a person at the desk decides.
@pytest.mark.parametrize(
    ("flags", "reasons"),
    [
        (("BLURRY", "TOO_SMALL"), ("ILEGIBLE",)),
        (("NO_MRZ",), ("ILEGIBLE",)),
        (("SCREEN_PHOTO",), ("CREDENCIAL_NO_VALIDA",)),
        (("EVIDENCE_HASH_MISMATCH",), ("EVIDENCIA_ALTERADA",)),
        (("SOMETHING_NEW",), ("SOMETHING_NEW",)),
    ],
)
def test_soft_flags_go_to_the_desk(flags: tuple[str, ...], reasons: tuple[str, ...]) -> None:
    verdict = judge(decoded(WHO, flags=flags), found(WHO))
    assert verdict == Verdict(Status.PENDIENTE_REVISION, reasons)


def test_sides_swapped_is_no_problem() -> None:
    assert judge(decoded(WHO, flags=("SIDES_SWAPPED",)), found(WHO)).status is (
        Status.EN_LISTA_NOMINAL
    )


def test_the_first_rule_that_applies_wins() -> None:
    late = decoded(WHO, flags=("PHOTOCOPY",), received_at=PROCESS.capture.end + timedelta(days=2))
    assert judge(late, None).reasons == ("FUERA_DE_PLAZO",)
    copied = decoded(WHO, flags=("PHOTOCOPY", "BLURRY"))
    assert judge(copied, found(WHO, situacion="BAJA", causa_baja="USURPACION")).reasons == (
        "FOTOCOPIA",
    )
    baja_outside = found(WHO, situacion="BAJA", causa_baja="USURPACION", entidad="02")
    assert judge(decoded(WHO, flags=("BLURRY",)), baja_outside).status is Status.BAJA


def test_a_compound_surname_split_anywhere_on_the_mrz_still_matches() -> None:
    read = mrz(WHO).model_copy(update={"surnames": ("DE", "LA", "CRUZ", "SOTO")})
    record = found(WHO, apellido_paterno="de la Cruz", apellido_materno="Soto")
    support = decoded(WHO, read=read, typed=form(None))
    assert judge(support, record).status is Status.EN_LISTA_NOMINAL
