"""Where the repository and its `apoyo` command are, for tests that run them."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APOYO = str(Path(sys.executable).with_name("apoyo"))
