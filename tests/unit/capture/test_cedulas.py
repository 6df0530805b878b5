"""Paper cédulas: the sheet code is the one identity's reader knows, every printed sheet's QR
code reads back from its image (also photographed), and a paper support's scan must show a
sheet of its own process and aspirant."""

import io

import pytest
from PIL import Image

from apoyo.synthetic.photos import phone_photo
from apoyo_capture.cedulas import Sheet, check_scan, parse_sheet, read_sheets
from apoyo_capture.domain import EvidenceFile, SupportRequest
from apoyo_capture.http.cedula_pdf import SheetHeader, render_page, render_pdf
from apoyo_capture.refusals import Refused
from apoyo_common.codes import Channel, EvidenceKind
from apoyo_identity.vision.barcodes import APOYO, SheetCode, classify, parse_apoyo, sheet_text

HEADER = SheetHeader(
    "Gubernatura de Sonora 2027", "Aspirante Uno", "Manifiesto mi voluntad libre de apoyar."
)


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def request(channel: Channel, aspirant: str = "asp-01") -> SupportRequest:
    return SupportRequest(
        process_id="gub-son-2027", aspirant_id=aspirant, channel=channel, consent=True
    )


def scan_file(data: bytes) -> EvidenceFile:
    return EvidenceFile(EvidenceKind.SIGNATURE, data, "image/png", "png")


def test_the_sheet_code_is_the_one_identity_reads() -> None:
    sheet = Sheet("gub-son-2027", "asp-01", 12)
    assert sheet.text == sheet_text("gub-son-2027", "asp-01", 12)
    assert parse_apoyo(sheet.text) == SheetCode("gub-son-2027", "asp-01", 12)
    assert classify("QRCode", sheet.text) == APOYO
    assert parse_sheet(sheet.text) == sheet
    for bad in ("apoyo:sheet:p:a:0", "apoyo:sheet:p:a", "apoyo:sheet:p:a:1:2", "apoyo:receipt:x"):
        assert parse_sheet(bad) is None
    with pytest.raises(ValueError):
        _ = Sheet("p:x", "a", 1).text


def test_every_sheet_reads_back_flat_and_photographed() -> None:
    pdf = render_pdf(HEADER, [Sheet("gub-son-2027", "asp-01", n) for n in (1, 2, 3)])
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") == 3
    page = png(render_page(HEADER, Sheet("gub-son-2027", "asp-01", 7)))
    assert read_sheets(page) == [Sheet("gub-son-2027", "asp-01", 7)]
    assert read_sheets(phone_photo(page, level=1, seed=3)) == [Sheet("gub-son-2027", "asp-01", 7)]


async def test_a_paper_support_must_show_a_sheet_of_its_aspirant() -> None:
    sheet = png(render_page(HEADER, Sheet("gub-son-2027", "asp-01", 4)))
    found = await check_scan(request(Channel.CEDULA_PAPEL), [scan_file(sheet)])
    assert found == Sheet("gub-son-2027", "asp-01", 4)
    with pytest.raises(Refused) as other:
        await check_scan(request(Channel.CEDULA_PAPEL, "asp-02"), [scan_file(sheet)])
    assert other.value.code == "sheet_other_aspirant"
    blank = png(Image.new("L", (800, 600), 255))
    with pytest.raises(Refused) as missing:
        await check_scan(request(Channel.CEDULA_PAPEL), [scan_file(blank)])
    assert missing.value.code == "sheet_code_missing"
    assert await check_scan(request(Channel.AUXILIAR), [scan_file(blank)]) is None
