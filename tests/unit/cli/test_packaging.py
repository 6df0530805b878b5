"""Each service installs on its own; only identity pulls the image-processing libraries
(capture decodes uploads with Pillow alone, to refuse what is not an image: issue 5; it also
reads the QR code of scanned paper cédulas with zxing-cpp, a 2 MB wheel without numpy).
Verification takes numpy without OpenCV: the voter-roll load checks a block's check digits
and counts its cells with it, which is what brings the load to half a plain COPY's speed
(docs/voter-roll.md)."""

import tomllib
from pathlib import Path

import pytest

from tests.paths import ROOT

IMAGE_LIBS = ("opencv", "zxing", "numpy", "pillow")
HEAVY_IMAGE_LIBS = ("opencv",)
NUMPY_USERS = ("identity", "verification")
SERVICES = ("capture", "identity", "verification", "notification", "export")


def dependencies(path: Path) -> list[str]:
    return list(tomllib.loads(path.read_text())["project"]["dependencies"])


@pytest.mark.parametrize("service", SERVICES)
def test_service_depends_on_common_and_image_libs_only_in_identity(service: str) -> None:
    deps = dependencies(ROOT / "services" / service / "pyproject.toml")
    assert "apoyo-common" in deps
    pulls_images = any(lib in dep for dep in deps for lib in HEAVY_IMAGE_LIBS)
    assert pulls_images == (service == "identity")
    pulls_numpy = any("numpy" in dep for dep in deps)
    assert pulls_numpy == (service in NUMPY_USERS)
    pulls_pillow = any("pillow" in dep for dep in deps)
    assert pulls_pillow == (service in ("identity", "capture"))
    pulls_zxing = any("zxing" in dep for dep in deps)
    assert pulls_zxing == (service in ("identity", "capture"))


def test_common_does_not_pull_image_libs() -> None:
    deps = dependencies(ROOT / "libs" / "common" / "pyproject.toml")
    assert not any(lib in dep for dep in deps for lib in IMAGE_LIBS)


def test_lockfile_covers_every_member() -> None:
    lock = (ROOT / "uv.lock").read_text()
    for name in ("apoyo", "apoyo-common", *(f"apoyo-{s}" for s in SERVICES)):
        assert f'name = "{name}"' in lock
