"""htmx where it helps, plain HTML underneath: the live case filter pushes its URL (back and
bookmarks work), and the same pages work with JavaScript turned off."""

from __future__ import annotations

import contextlib
import re
import uuid
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.browser.test_browser_findings import findings_described, inspection_id, photo


def query_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def test_live_case_filter_pushes_url_and_back_restores_it(open_page):
    page = open_page("truongdoan")
    page.goto("/cases")
    rows = page.locator("#case-list tbody tr")
    total = rows.count()
    assert total > 1

    with page.expect_request(lambda r: "q=" in r.url and r.headers.get("hx-request") == "true"):
        page.fill("#q", "tuyển dụng")
    page.wait_for_url(re.compile(r"q="))
    assert query_of(page.url)["q"] == "tuyển dụng"
    expect(rows.first).to_contain_text("tuyển dụng", ignore_case=True)
    filtered = rows.count()
    assert 0 < filtered < total

    page.select_option("#f-sort", "-created")
    page.wait_for_url(re.compile(r"sort=-created"))
    assert query_of(page.url)["q"] == "tuyển dụng"

    page.go_back()
    page.wait_for_url(lambda url: "sort=-created" not in url)
    # The form is part of the page the server sends back: the sort is reset once it is shown.
    expect(page.locator("#f-sort")).not_to_have_value("-created")
    expect(page.locator("#q")).to_have_value("tuyển dụng")
    page.go_back()
    page.wait_for_url(lambda url: "q=" not in url)
    expect(rows).to_have_count(total)

    # The filtered URL is a bookmark: opened directly, it shows the same list.
    bookmark = open_page("truongdoan")
    bookmark.goto("/cases?q=tuy%E1%BB%83n+d%E1%BB%A5ng")
    expect(bookmark.locator("#case-list tbody tr")).to_have_count(filtered)


def test_back_twice_quickly_shows_the_list_of_the_address_bar(open_page):
    """The answer for the first step back arrives after the second step's: it is dropped."""
    page = open_page("truongdoan")
    page.goto("/cases")
    rows = page.locator("#case-list tbody tr")
    total = rows.count()
    with page.expect_request(lambda r: "q=" in r.url and r.headers.get("hx-request") == "true"):
        page.fill("#q", "tuyển dụng")
    page.wait_for_url(re.compile(r"q="))
    expect(rows).not_to_have_count(total)
    page.select_option("#f-sort", "-created")
    page.wait_for_url(re.compile(r"sort=-created"))

    held = []

    def hold(route):
        if route.request.headers.get("hx-history-restore-request") and "q=" in route.request.url:
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r"/cases"), hold)
    page.go_back()
    page.wait_for_url(lambda url: "sort=-created" not in url)
    for _ in range(100):  # route handlers run while the page is waited on
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1
    page.go_back()
    page.wait_for_url(lambda url: "q=" not in url)
    expect(rows).to_have_count(total)
    with contextlib.suppress(PlaywrightError):  # raised if the page cancelled the request
        held[0].continue_()  # the late answer for the filtered list
    page.wait_for_timeout(500)
    expect(rows).to_have_count(total)
    expect(page.locator("#q")).to_have_value("")


def test_case_filter_without_javascript(open_page):
    page = open_page("truongdoan", java_script_enabled=False)
    page.goto("/cases")
    total = page.locator("#case-list tbody tr").count()
    page.fill("#q", "tuyển dụng")
    page.click("form.filters button")
    page.wait_for_url(re.compile(r"q="))
    assert 0 < page.locator("#case-list tbody tr").count() < total


def test_finding_logged_without_javascript(open_page, live_server):
    inspection = inspection_id(live_server.app)
    text = f"Ghi nhận không cần JavaScript {uuid.uuid4().hex[:6]}"
    page = open_page("thanhtra3", java_script_enabled=False)
    page.goto(f"/inspections/{inspection}/findings/new")
    page.fill("#f-description", text)
    page.click("label[for=sev-low]")
    page.set_input_files("#f-files", photo())
    page.click("form[data-offline-queue] button")
    page.wait_for_url(re.compile(r"/findings/\d+$"))
    expect(page.locator("main")).to_contain_text(text)
    assert findings_described(live_server.app, text) == 1
