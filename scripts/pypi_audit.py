"""Known vulnerabilities of the installed packages, from PyPI's JSON API (run by scripts/audit).

pip-audit asks PyPI about each installed version (``/pypi/<name>/<version>/json``). From the
machines this project is built on, PyPI answers only each project's page (``/pypi/<name>/json``),
so pip-audit can look nothing up there. That page carries the same advisories pip-audit reads
(PyPI's ``vulnerabilities``: the Python Packaging Advisory Database, through OSV), but for the
project's latest release only. So:

- a package installed at its latest release is checked against them;
- a package behind its latest release is listed as not checked: an advisory fixed in a later
  release would not show on the page. Pin the latest release to have it checked.

Exit status: 0 when nothing known is found (whatever could not be checked is listed), 1 when an
installed package has a known vulnerability. Editable installs (socplan itself) are skipped.

Run: ``.venv/bin/python scripts/pypi_audit.py`` (``scripts/audit`` runs it when pip-audit cannot
reach its service).
"""

import json
import re
import sys
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata

PROJECT_URL = "https://pypi.org/pypi/{name}/json"
TIMEOUT = 30  # seconds for each project's page


@dataclass
class Report:
    checked: int = 0
    found: list[str] = field(default_factory=list)  # one line per vulnerability
    behind: list[str] = field(default_factory=list)  # "name 1.0 (latest 1.1)"
    unreachable: list[str] = field(default_factory=list)  # "name 1.0 (the error)"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed() -> dict[str, str]:
    """Every installed distribution but editable ones, canonical name -> version."""
    found = {}
    for dist in metadata.distributions():
        direct = dist.read_text("direct_url.json")
        if direct and json.loads(direct).get("dir_info", {}).get("editable"):
            continue
        found[canonical(dist.metadata["Name"])] = dist.version
    return found


def fetch(name: str) -> dict:
    with urllib.request.urlopen(PROJECT_URL.format(name=name), timeout=TIMEOUT) as answer:  # noqa: S310 (a fixed https URL)
        return json.load(answer)


def audit(packages: dict[str, str], fetch: Callable[[str], dict] = fetch) -> Report:
    report = Report()

    def look_up(item):
        name, version = item
        try:
            return name, version, fetch(name), None
        except Exception as error:  # the network, an unknown project, a page that is not JSON
            return name, version, None, error

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(look_up, sorted(packages.items())))
    for name, version, page, error in results:
        if error is not None:
            report.unreachable.append(f"{name} {version} ({error})")
            continue
        latest = page.get("info", {}).get("version")
        if latest != version:
            report.behind.append(f"{name} {version} (latest {latest})")
            continue
        report.checked += 1
        report.found.extend(describe(name, version, page.get("vulnerabilities") or []))
    return report


def describe(name: str, version: str, vulnerabilities: Iterable[dict]) -> list[str]:
    lines = []
    for vulnerability in vulnerabilities:
        if vulnerability.get("withdrawn"):
            continue
        aliases = ", ".join(vulnerability.get("aliases") or [])
        fixed = ", ".join(vulnerability.get("fixed_in") or []) or "no fixed release yet"
        line = f"{name} {version}: {vulnerability.get('id')}"
        line += f" ({aliases})" if aliases else ""
        line += f", fixed in {fixed}"
        line += f", {vulnerability['link']}" if vulnerability.get("link") else ""
        lines.append(line)
    return lines


def main(packages: dict[str, str] | None = None, fetch: Callable[[str], dict] = fetch) -> int:
    packages = installed() if packages is None else packages
    report = audit(packages, fetch)
    if report.checked == 0 and report.unreachable:
        print(
            "pypi-audit: skipped, PyPI's JSON API does not answer from this machine "
            f"({len(report.unreachable)} packages could not be looked up)"
        )
        return 0
    for line in report.found:
        print(f"pypi-audit: VULNERABLE {line}")
    summary = (
        f"pypi-audit: {report.checked} of {len(packages)} packages checked against PyPI's "
        f"advisories, {len(report.found)} known vulnerabilities"
    )
    print(summary)
    if report.behind:
        print("pypi-audit: not checked, behind their latest release: " + "; ".join(report.behind))
    if report.unreachable:
        print("pypi-audit: not checked, not found: " + "; ".join(report.unreachable))
    return 1 if report.found else 0


if __name__ == "__main__":
    sys.exit(main())
