import io
import struct
import zlib

import pytest
from PIL import Image

from apoyo_capture.images import ImageProblem, decodes_whole, inspect_image

LIMIT = 4_000_000


def encoded(fmt: str, size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (120, 30, 200)).save(out, format=fmt)
    return out.getvalue()


def png_bomb(width: int, height: int) -> bytes:
    """A tiny PNG that claims width×height pixels (zeros compress to almost nothing)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width + 1) * 16)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "fmt,expected",
    [
        ("JPEG", ("image/jpeg", "jpg")),
        ("PNG", ("image/png", "png")),
        ("WEBP", ("image/webp", "webp")),
    ],
)
def test_the_format_comes_from_decoding(fmt: str, expected: tuple[str, str]) -> None:
    assert inspect_image(encoded(fmt), LIMIT) == expected


def problem(data: bytes, limit: int = LIMIT) -> str:
    with pytest.raises(ImageProblem) as raised:
        inspect_image(data, limit)
    return raised.value.code


def test_what_is_not_an_accepted_image_is_refused() -> None:
    assert problem(b"%PDF-1.7 not an image") == "unsupported_media_type"
    assert problem(b"\xff\xd8\xff" + b"0" * 100) in ("unsupported_media_type", "invalid_image")
    assert problem(encoded("GIF")) == "unsupported_media_type"
    assert problem(encoded("BMP")) == "unsupported_media_type"


def test_a_truncated_image_is_refused() -> None:
    for fmt in ("JPEG", "PNG"):
        whole = encoded(fmt, (400, 300))
        assert problem(whole[: len(whole) // 2]) == "invalid_image"


def test_pixels_are_counted_before_decoding() -> None:
    assert problem(encoded("PNG", (100, 100)), limit=9_999) == "image_too_large"
    bomb = png_bomb(30_000, 30_000)  # 900 megapixels in a few kilobytes
    assert len(bomb) < 10_000
    assert problem(bomb) == "image_too_large"


def test_a_jpeg_must_reach_its_end_marker_after_the_scan() -> None:
    whole = encoded("JPEG", (400, 300))
    assert whole.endswith(b"\xff\xd9")
    assert problem(whole[:-2]) == "invalid_image"
    assert inspect_image(whole + b"\x00" * 16, LIMIT) == ("image/jpeg", "jpg")  # padding after


def test_an_end_marker_before_the_scan_does_not_count() -> None:
    """A thumbnail or comment before the scan may hold the marker's bytes."""
    plain = encoded("JPEG", (400, 300))
    note = b"thumb \xff\xd9"
    comment = b"\xff\xfe" + struct.pack(">H", len(note) + 2) + note
    whole = plain[:2] + comment + plain[2:]
    assert inspect_image(whole, LIMIT) == ("image/jpeg", "jpg")
    scan = whole.index(b"\xff\xda")
    assert whole.find(b"\xff\xd9") < scan
    assert problem(whole[: scan + 200]) == "invalid_image"


def test_a_png_chunk_with_a_wrong_crc_is_refused() -> None:
    whole = bytearray(encoded("PNG", (400, 300)))
    idat = whole.index(b"IDAT")
    whole[idat + 10] ^= 0xFF  # a bit flipped inside the compressed data
    assert problem(bytes(whole)) == "invalid_image"


def test_only_a_webp_is_decoded_whole_the_others_by_their_structure() -> None:
    assert decodes_whole(encoded("WEBP"))
    assert not any(decodes_whole(encoded(fmt)) for fmt in ("JPEG", "PNG", "GIF"))
    assert not decodes_whole(b"RIFF\x00\x00\x00\x00WAVEfmt ")  # a RIFF that is no WebP
