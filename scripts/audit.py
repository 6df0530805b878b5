"""Audit the locked dependencies for known vulnerabilities (docs/security.md, "Supply chain").

Usage: python scripts/audit.py REQUIREMENTS  (the requirements exported from uv.lock)

pip-audit asks PyPI's vulnerability data for each pinned version. Where PyPI does not answer
for a version (some mirrors serve only a project's page), the project's page is read
instead: its `vulnerabilities` are those of the latest release, so they settle a pin that is
the latest release; an older pin is listed as not audited. A pin whose files are all yanked
is a finding. Any finding not in scripts/audit-ignore.toml fails the audit (exit 1).
"""

import json
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

IGNORES = Path(__file__).with_name("audit-ignore.toml")
PROJECT_PAGE = "https://pypi.org/pypi/{name}/json"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    advisory: str
    fixed_in: str

    def line(self) -> str:
        fix = f"fixed in {self.fixed_in}" if self.fixed_in else "no fixed release"
        return f"{self.package} {self.version}: {self.advisory} ({fix})"


def ignored() -> dict[str, str]:
    """Advisory id -> why it is ignored; an entry without a reason is an error."""
    entries = tomllib.loads(IGNORES.read_text("utf-8")).get("ignore", [])
    for entry in entries:
        if not entry.get("id") or not entry.get("reason", "").strip():
            raise SystemExit(f"audit: {IGNORES.name}: every ignore needs an id and a reason")
    return {entry["id"]: entry["reason"] for entry in entries}


def pip_audit(requirements: Path) -> dict[str, Any]:
    """pip-audit's JSON report on the pinned requirements (hashes checked, nothing installed)."""
    command = [
        str(Path(sys.executable).with_name("pip-audit")),
        *("-r", str(requirements), "--disable-pip", "--vulnerability-service", "pypi"),
        *("--format", "json", "--progress-spinner", "off"),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if not done.stdout.strip():
        raise SystemExit(f"audit: pip-audit gave no report:\n{done.stderr}")
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def from_pip_audit(report: dict[str, Any], pins: dict[str, str]) -> tuple[list[Finding], list[str]]:
    """Its findings, and the packages it could not audit."""
    findings, skipped = [], []
    for dependency in report.get("dependencies", []):
        name = dependency["name"]
        if "skip_reason" in dependency:
            skipped.append(name)
        version = dependency.get("version", pins.get(name.lower(), ""))
        for vuln in dependency.get("vulns", []):
            fixed = ", ".join(vuln.get("fix_versions", []))
            findings.append(Finding(name, version, vuln["id"], fixed))
    return findings, skipped


def from_project_page(client: httpx.Client, name: str, version: str) -> list[Finding] | None:
    """Findings from the project's PyPI page; None when they cannot settle this pin."""
    answer = client.get(PROJECT_PAGE.format(name=name))
    answer.raise_for_status()
    page = answer.json()
    files = page.get("releases", {}).get(version, [])
    found = []
    if files and all(f.get("yanked") for f in files):
        reason = files[0].get("yanked_reason") or "yanked"
        found.append(Finding(name, version, f"YANKED: {reason}", ""))
    if page["info"]["version"] != version:
        return found or None
    for vuln in page.get("vulnerabilities", []):
        if vuln.get("withdrawn"):
            continue
        fixed = ", ".join(vuln.get("fixed_in", []))
        found.append(Finding(name, version, vuln["id"], fixed))
    return found


def audit(requirements: Path) -> int:
    pins = {name.lower(): version for name, version in PIN.findall(requirements.read_text())}
    audited = pip_audit(requirements)
    findings, skipped = from_pip_audit(audited, pins)
    unaudited = []
    with httpx.Client(timeout=30, follow_redirects=True) as client:
        for name in skipped:
            found = from_project_page(client, name, pins[name.lower()])
            if found is None:
                unaudited.append(f"{name} {pins[name.lower()]}")
            else:
                findings += found
    why = ignored()
    failing = [f for f in findings if f.advisory not in why]
    report(len(audited.get("dependencies", [])), len(skipped), unaudited, findings, why)
    return 1 if failing else 0


def report(
    packages: int, skipped: int, unaudited: list[str], findings: list[Finding], why: dict[str, str]
) -> None:
    by_version = packages - skipped
    by_page = skipped - len(unaudited)
    print(f"audit: {packages} packages: {by_version} by version, {by_page} by latest release")
    if unaudited:
        print(f"audit: not audited here ({len(unaudited)}, older than their latest release and")
        print("       PyPI gave no data for that version): " + ", ".join(unaudited))
    for finding in findings:
        reason = why.get(finding.advisory)
        mark = f"ignored: {reason}" if reason else "FAILS"
        print(f"audit: {finding.line()} [{mark}]")
    failing = sum(1 for f in findings if f.advisory not in why)
    print(f"audit: {failing} finding(s) not ignored" if failing else "audit: no finding")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    sys.exit(audit(Path(sys.argv[1])))
