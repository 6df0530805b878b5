"""Images are what their bytes say: the format from the header, pixels counted before any
decoding (decompression bombs), then the file's structure checked to the end to find
truncated ones.

The structure, not the pixels: decoding a phone's JPEG, even at 1/8 scale, costs 2 ms of CPU
(the entropy-coded data is read whole at any scale), a fifth of what a whole reception costs.
A JPEG must reach its end-of-image marker after its first scan, and a PNG's chunks must all be
there with their CRCs right up to IEND; both are read without inflating a pixel. What that
leaves for later is a file whose compressed data is damaged inside an intact frame: identity
decodes every image anyway and says so in its outcome (docs/capture-channels.md, "Capture-time
guards"). WebP, rare from phones, is still decoded whole.
"""

from io import BytesIO

from PIL import Image, ImageFile, UnidentifiedImageError

FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
_BROKEN = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError)
_END_OF_IMAGE = b"\xff\xd9"  # in scan data a 0xFF is always stuffed, so this is only the end


def decodes_whole(data: bytes) -> bool:
    """Whether checking these bytes decodes their pixels (WebP: milliseconds of CPU, work for
    a thread), rather than reading a JPEG's or PNG's structure (tens of microseconds, less
    than a hop to a thread and back)."""
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


class ImageProblem(Exception):
    """`code` is a refusal code: unsupported_media_type, image_too_large or invalid_image."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def inspect_image(data: bytes, max_pixels: int) -> tuple[str, str]:
    """Content type and extension of a valid image; raises ImageProblem otherwise."""
    try:
        with Image.open(BytesIO(data)) as image:
            kind = FORMATS.get(image.format or "")
            if kind is None:
                raise ImageProblem("unsupported_media_type")
            width, height = image.size
            if width * height > max_pixels:
                raise ImageProblem("image_too_large")
            _check_whole(image, data)
    except UnidentifiedImageError:
        raise ImageProblem("unsupported_media_type") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageProblem("image_too_large") from None
    except _BROKEN:
        raise ImageProblem("invalid_image") from None
    return kind


def _check_whole(image: ImageFile.ImageFile, data: bytes) -> None:
    """Raises ImageProblem (or one of _BROKEN) unless the file is complete."""
    if image.format == "JPEG":
        scan = image.fp.tell() if image.fp is not None else 0  # the header stops at the scan
        if data.rfind(_END_OF_IMAGE, scan) < 0:  # from the end: the marker is near it
            raise ImageProblem("invalid_image")
    elif image.format == "PNG":
        image.verify()  # every chunk's CRC, up to IEND; nothing inflated
    else:
        image.load()
