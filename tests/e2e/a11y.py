"""Accessibility checks with axe-core: WCAG 2.0 and 2.1, levels A and AA.

axe-playwright-python injects axe-core with ``page.evaluate()``, which Playwright runs through
the DevTools protocol: the site's Content-Security-Policy (``script-src 'self'``, no inline
script) does not apply to it, so the scan needs no ``bypass_csp`` and runs on the page exactly as
users get it. ``test_pages_load_without_csp_violations`` checks the CSP side separately.
"""

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "resultTypes": ["violations"],
}

_axe = Axe()


def blocking_violations(page) -> list[dict]:
    """axe's serious and critical WCAG 2.x A/AA violations on the page as it is now."""
    results = _axe.run(page, options=AXE_OPTIONS)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {node['target']}: {summary}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Fail listing each serious or critical WCAG 2.x A/AA violation on the page."""
    violations = blocking_violations(page)
    assert not violations, (
        f"{len(violations)} serious/critical accessibility violation(s) on {page.url}:\n"
        + format_violations(violations)
    )
