"""Images are what their decoded bytes say: the format from the header, pixels counted before
decoding (decompression bombs), then decoded once to find truncated or corrupt files."""

from io import BytesIO

from PIL import Image, UnidentifiedImageError

FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
_BROKEN = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError)


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
            if (
                image.format == "JPEG"
            ):  # decode at 1/8 scale: the whole stream, a fraction of the work
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            image.load()
    except UnidentifiedImageError:
        raise ImageProblem("unsupported_media_type") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageProblem("image_too_large") from None
    except _BROKEN:
        raise ImageProblem("invalid_image") from None
    return kind
