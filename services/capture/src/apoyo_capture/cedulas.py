"""Paper cédulas (régimen de excepción): the QR code each printed sheet carries, and the check
that a scanned sheet uploaded with a support belongs to that process and aspirant.

The code's text is the project's sheet code, `apoyo:sheet:<process_id>:<aspirant_id>:<n>`,
which identity's barcode reader classifies as kind APOYO. A support of channel
`CEDULA_PAPEL` sends the scan of the sheet the citizen signed as its `signature` file (the
handwritten signature is on the sheet); capture reads the sheet's QR code and refuses the
support when there is none or it names another process or aspirant.
"""

import asyncio
import io
from dataclasses import dataclass

import zxingcpp
from PIL import Image

from apoyo_capture.domain import EvidenceFile, SupportRequest
from apoyo_capture.refusals import Refused
from apoyo_common.codes import Channel, EvidenceKind

SHEET_PREFIX = "apoyo:sheet:"
MAX_SIDE = 2400  # a letter sheet at 200 dpi; larger scans are reduced before reading
MAX_SHEETS = 200  # sheets in one PDF
QR = zxingcpp.BarcodeFormats([zxingcpp.BarcodeFormat.QRCode])


@dataclass(frozen=True)
class Sheet:
    process_id: str
    aspirant_id: str
    number: int

    @property
    def text(self) -> str:
        for value in (self.process_id, self.aspirant_id):
            if not value or ":" in value or value != value.strip():
                raise ValueError(f"not usable in a sheet code: {value!r}")
        if self.number < 1:
            raise ValueError(f"sheet numbers start at 1: {self.number}")
        return f"{SHEET_PREFIX}{self.process_id}:{self.aspirant_id}:{self.number}"


def parse_sheet(text: str) -> Sheet | None:
    if not text.startswith(SHEET_PREFIX):
        return None
    parts = text.removeprefix(SHEET_PREFIX).split(":")
    if len(parts) != 3:
        return None
    process, aspirant, number = parts
    if not (number.isascii() and number.isdigit() and int(number) >= 1):
        return None
    if not process or not aspirant or process != process.strip() or aspirant != aspirant.strip():
        return None
    return Sheet(process, aspirant, int(number))


def read_sheets(scan: bytes) -> list[Sheet]:
    """The sheet codes found on a scanned image (CPU work: call it off the event loop)."""
    with Image.open(io.BytesIO(scan)) as image:
        grey = image.convert("L")
    if max(grey.size) > MAX_SIDE:
        grey.thumbnail((MAX_SIDE, MAX_SIDE))
    found = zxingcpp.read_barcodes(grey, formats=QR)
    return [sheet for code in found if (sheet := parse_sheet(code.text)) is not None]


async def check_scan(request: SupportRequest, files: list[EvidenceFile]) -> Sheet | None:
    """For a paper support, the sheet its scan shows; refuses a scan of no sheet of this
    process and aspirant. Other channels: None, nothing read."""
    if request.channel is not Channel.CEDULA_PAPEL:
        return None
    scan = next((f for f in files if f.kind is EvidenceKind.SIGNATURE), None)
    if scan is None:
        return None  # the missing file is refused with the others
    sheets = await asyncio.to_thread(read_sheets, scan.data)
    if not sheets:
        raise Refused.of("sheet_code_missing")
    for sheet in sheets:
        if (sheet.process_id, sheet.aspirant_id) == (request.process_id, request.aspirant_id):
            return sheet
    raise Refused.of("sheet_other_aspirant")
