"""Every kind of page the demo's four roles can reach passes the axe scan.

The demo county (``seed_demo``) is loaded, then each role — the state reviewer, the
facilitator, the committee member and a participant signed in with her magic link — walks the
site breadth-first from the home page, following the same-origin links of each page (GET only:
every change in the app is a POST).
Each kind of page (its URL name) is scanned once per role; a handful of key pages again at phone
width. The test fails once, at the end, listing every page that did not answer 200 and every
serious or critical WCAG 2.1 AA violation, so one run shows everything there is to fix.
"""

import os
import time
from collections import deque
from dataclasses import dataclass, field
from io import StringIO
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Browser, Page, expect

from tests.e2e.a11y import blocking_violations, format_violations
from tests.e2e.people import link_on
from workshops.links import magic_link_url
from workshops.management.commands.seed_demo import DEMO_CYCLE, DEMO_PASSWORD
from workshops.models import Membership, Workshop

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

STAFF = ["reviewer", "facilitator", "committee"]
PARTICIPANT = "maria.lopez@example.org"
PAGES_PER_ROLE = 80
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Scanned again at phone width, where the role reaches them.
PHONE_PAGES = [
    "home",
    "workshops:detail",
    "workshops:live",
    "assessments:survey_section",
    "assessments:map",
    "actionplans:voting",
    "actionplans:plan",
]

# Never followed: signing out, the admin, switching language, files rather than pages, and the
# magic-link and password-reset pages that act on the token in their URL.
SKIPPED_PREFIXES = ("/admin/", "/i18n/")
SKIPPED_SUFFIXES = (".csv", ".xlsx", ".pdf", ".svg", ".png", ".ics")
SKIPPED_NAMES = {
    "logout",
    "set_language",
    "magic_link",
    "new_magic_link",
    "password_reset_confirm",
    "actionplans:pdf_download",
    "actionplans:review_pdf",
}


@dataclass
class Crawl:
    """What one role's walk found."""

    role: str
    visited: dict[str, str] = field(default_factory=dict)  # URL name: the path scanned
    failures: list[str] = field(default_factory=list)

    def report(self, url: str, problem: str) -> None:
        self.failures.append(f"[{self.role}] {url}\n{problem}")


def url_name(path: str) -> str | None:
    """The namespaced URL name of a path of the site, None when nothing resolves it."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def followed(url: str, origin: str) -> str | None:
    """The link's path (with its query) when the crawl may follow it, else None."""
    url = urldefrag(url).url
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    path = parts.path
    if path.startswith(SKIPPED_PREFIXES) or path.lower().endswith(SKIPPED_SUFFIXES):
        return None
    name = url_name(path)
    if name is None or name in SKIPPED_NAMES:
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def scan(page: Page, crawl: Crawl, label: str) -> None:
    violations = blocking_violations(page)
    if violations:
        crawl.report(label, format_violations(violations))


def server_error(response, crawl: Crawl) -> None:
    """A 5xx answer to anything a page asked for (a poll, a fragment) is a failure too."""
    if response.status >= 500:
        crawl.report(response.url, f"    HTTP {response.status} ({response.request.method})")


def walk(page: Page, origin: str, start: list[str], crawl: Crawl) -> None:
    """Breadth-first from ``start``: each URL name loaded and scanned once."""
    seen = {url_name(urlsplit(path).path) for path in start}
    queue = deque(start)
    while queue and len(crawl.visited) < PAGES_PER_ROLE:
        path = queue.popleft()
        response = page.goto(path)
        status = response.status if response else None
        if status != 200:
            crawl.report(path, f"    HTTP {status}")
            continue
        name = url_name(urlsplit(page.url).path)
        if name == "login":
            crawl.report(path, "    sent to the sign-in page")
            continue
        crawl.visited.setdefault(name or path, path)
        scan(page, crawl, f"{path} ({name})")
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        for href in hrefs:
            target = followed(href, origin)
            if target is None:
                continue
            key = url_name(urlsplit(target).path)
            if key not in seen:
                seen.add(key)
                queue.append(target)


def phone_scans(page: Page, crawl: Crawl) -> None:
    page.set_viewport_size(PHONE)
    for name in PHONE_PAGES:
        if name in crawl.visited:
            path = crawl.visited[name]
            page.goto(path)
            scan(page, crawl, f"{path} ({name}, {PHONE['width']} px wide)")
    page.set_viewport_size(DESKTOP)


def staff_sign_in(page: Page, username: str, crawl: Crawl) -> None:
    page.goto("/")
    scan(page, crawl, "/ (home, the visitors' landing page)")
    with page.expect_navigation():
        page.get_by_role("link", name="Staff sign in").first.click()
    scan(page, crawl, "/login/ (login)")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="My workshops")).to_be_visible()


def participant_sign_in(page: Page, live_server, membership: Membership, crawl: Crawl) -> None:
    page.goto(link_on(live_server, magic_link_url(membership)))
    scan(page, crawl, "/join/… (magic_link)")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue to the workshop").click()
    expect(page.get_by_role("heading", level=1, name=membership.workshop.title)).to_be_visible()


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the pages are the same on both databases: scanned once, in the SQLite run (CI time)",
)
def test_every_page_of_the_demo_passes_axe_for_each_role(browser: Browser, live_server):
    started = time.monotonic()
    call_command("seed_demo", stdout=StringIO())
    seeded = time.monotonic()
    workshop = Workshop.objects.get(county__name="Tompkins", cycle=DEMO_CYCLE)
    maria = workshop.memberships.get(user__username=PARTICIPANT)
    # The reviewer's home lists every workshop of the state: the demo county's, which has
    # something on every page, is the one whose pages are scanned.
    start = ["/", workshop.get_absolute_url()]

    crawls = []
    for role in [*STAFF, "participant"]:
        crawl = Crawl(role)
        crawls.append(crawl)
        context = browser.new_context(
            base_url=live_server.url, viewport=DESKTOP, reduced_motion="reduce"
        )
        try:
            page = context.new_page()
            page.on("response", lambda response, crawl=crawl: server_error(response, crawl))
            if role == "participant":
                participant_sign_in(page, live_server, maria, crawl)
            else:
                staff_sign_in(page, role, crawl)
            walk(page, live_server.url, start, crawl)
            phone_scans(page, crawl)
        finally:
            context.close()

    # Shown with -s: what was scanned, and how long the demo and the walks took.
    print(
        f"\nDemo loaded in {seeded - started:.0f} s, scanned in {time.monotonic() - seeded:.0f} s"
    )
    for crawl in crawls:
        print(f"{crawl.role}: {len(crawl.visited)} pages: {', '.join(crawl.visited)}")
    failures = [failure for crawl in crawls for failure in crawl.failures]
    assert not failures, f"{len(failures)} page(s) with problems:\n" + "\n".join(failures)
