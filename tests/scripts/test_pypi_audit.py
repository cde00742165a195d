"""scripts/pypi_audit.py: the installed packages against the advisories on PyPI's project pages."""

import importlib.util
import json
from pathlib import Path
from urllib.error import URLError

import pytest

PATH = Path(__file__).resolve().parents[2] / "scripts" / "pypi_audit.py"
spec = importlib.util.spec_from_file_location("pypi_audit", PATH)
pypi_audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pypi_audit)

ADVISORY = {
    "id": "PYSEC-2026-1",
    "aliases": ["CVE-2026-0001", "GHSA-xxxx-yyyy-zzzz"],
    "fixed_in": ["2.0.1"],
    "link": "https://osv.dev/vulnerability/PYSEC-2026-1",
    "withdrawn": None,
}


def pages(**projects):
    """A fetch that answers from ``projects``: name -> (latest version, vulnerabilities)."""

    def fetch(name):
        if name not in projects:
            raise URLError("Not Found")
        latest, vulnerabilities = projects[name]
        return {"info": {"version": latest}, "vulnerabilities": vulnerabilities}

    return fetch


def test_packages_at_their_latest_release_without_advisories_pass(capsys):
    status = pypi_audit.main(
        {"django": "6.1.3", "pydyf": "0.13.0"}, pages(django=("6.1.3", []), pydyf=("0.13.0", []))
    )
    assert status == 0
    assert (
        "2 of 2 packages checked against PyPI's advisories, 0 known vulnerabilities"
        in capsys.readouterr().out
    )


def test_a_known_vulnerability_fails_and_says_which_and_where_it_is_fixed(capsys):
    status = pypi_audit.main(
        {"somelib": "2.0.0", "django": "6.1.3"},
        pages(somelib=("2.0.0", [ADVISORY]), django=("6.1.3", [])),
    )
    out = capsys.readouterr().out
    assert status == 1
    assert (
        "VULNERABLE somelib 2.0.0: PYSEC-2026-1 (CVE-2026-0001, GHSA-xxxx-yyyy-zzzz), "
        "fixed in 2.0.1, https://osv.dev/vulnerability/PYSEC-2026-1"
    ) in out
    assert "1 known vulnerabilities" in out


def test_a_withdrawn_advisory_is_not_counted(capsys):
    withdrawn = {**ADVISORY, "withdrawn": "2026-02-01T00:00:00Z"}
    assert pypi_audit.main({"somelib": "2.0.0"}, pages(somelib=("2.0.0", [withdrawn]))) == 0


def test_an_advisory_without_a_fix_says_so(capsys):
    unfixed = {**ADVISORY, "fixed_in": [], "aliases": [], "link": None}
    assert pypi_audit.main({"somelib": "2.0.0"}, pages(somelib=("2.0.0", [unfixed]))) == 1
    assert "somelib 2.0.0: PYSEC-2026-1, fixed in no fixed release yet\n" in capsys.readouterr().out


def test_a_package_behind_its_latest_release_is_listed_as_not_checked(capsys):
    # The page's advisories are the latest release's: one fixed since 1.0 would not be there.
    status = pypi_audit.main(
        {"oldlib": "1.0", "django": "6.1.3"},
        pages(oldlib=("1.1", [ADVISORY]), django=("6.1.3", [])),
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "1 of 2 packages checked" in out
    assert "not checked, behind their latest release: oldlib 1.0 (latest 1.1)" in out


def test_a_package_pypi_does_not_know_is_listed_as_not_checked(capsys):
    assert (
        pypi_audit.main({"private-lib": "1.0", "django": "6.1.3"}, pages(django=("6.1.3", []))) == 0
    )
    assert (
        "not checked, not found: private-lib 1.0 (<urlopen error Not Found>)"
        in capsys.readouterr().out
    )


def test_no_answer_at_all_skips_the_check_and_says_why(capsys):
    assert pypi_audit.main({"django": "6.1.3", "pydyf": "0.13.0"}, pages()) == 0
    assert (
        "skipped, PyPI's JSON API does not answer from this machine (2 packages"
        in capsys.readouterr().out
    )


def test_installed_skips_editable_installs_and_names_canonically(monkeypatch):
    class Dist:
        def __init__(self, name, version, direct_url=None):
            self.metadata = {"Name": name}
            self.version = version
            self.direct_url = direct_url

        def read_text(self, filename):
            assert filename == "direct_url.json"
            return self.direct_url

    editable = json.dumps({"url": "file:///work/main", "dir_info": {"editable": True}})
    dists = [
        Dist("Django", "6.1.3"),
        Dist("socplan", "0.1.0", editable),
        Dist("typing_extensions", "4.15.0"),
    ]
    monkeypatch.setattr(pypi_audit.metadata, "distributions", lambda: dists)
    assert pypi_audit.installed() == {"django": "6.1.3", "typing-extensions": "4.15.0"}


@pytest.mark.parametrize(
    "name, expected",
    [("Django", "django"), ("zope.interface", "zope-interface"), ("a__b-.c", "a-b-c")],
)
def test_canonical_names(name, expected):
    assert pypi_audit.canonical(name) == expected
