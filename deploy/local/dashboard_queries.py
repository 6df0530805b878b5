"""Evaluate every query of deploy/grafana/dashboards against a Prometheus, now, and print how
many series each returns: a dashboard panel without series shows nothing.

    python3 deploy/local/dashboard_queries.py http://127.0.0.1:9490

Grafana's `$__rate_interval` becomes 1m and the template variables match everything. Standard
library only, so any Python 3 runs it.
"""

import json
import re
import sys
import urllib.parse
import urllib.request
from pathlib import Path

BOARDS = Path(__file__).resolve().parents[1] / "grafana" / "dashboards"


def query(prometheus: str, expr: str) -> int:
    url = f"{prometheus}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 (the URL is the operator's)
        return len(json.load(answer)["data"]["result"])


def main(prometheus: str) -> int:
    empty = 0
    for board in sorted(BOARDS.glob("*.json")):
        for panel in json.loads(board.read_text(encoding="utf-8"))["panels"]:
            for target in panel["targets"]:
                expr = target["expr"].replace("$__rate_interval", "1m")
                expr = re.sub(r'=~"\$\w+"', '=~".*"', expr)
                found = query(prometheus.rstrip("/"), expr)
                empty += found == 0
                print(f"{found:4d}  {board.stem} | {panel['title']} | {target['legendFormat']}")
    print(f"{empty} queries without series")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:9490"))
