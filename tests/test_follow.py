"""Following the plan: the calendars (RFC 5545, parsed back with icalendar) hold every dated item with its
status, precision and link; the Atom feeds (parsed back with feedparser) hold an entry per recorded
outcome and per status change the dates bring; the build writes them, the source page and the search
index deterministically and links them from the index and the tracker."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import feedparser
import icalendar
import pandas as pd
import pytest
from workplan import tracker
from workplan.build.convert import Links, follow_links
from workplan.build.site import update_site
from workplan.feed import changes, feed_bytes
from workplan.ical import calendar_bytes, when
from workplan.matrix import report_spec
from workplan.paths import DEFAULT_DATA_DIR

AS_OF = "2026-11-27"
BASE = "https://example.org/workplan/"


def _events(data: bytes) -> list:
    cal = icalendar.Calendar.from_ical(data)
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    return cal.walk("VEVENT")


def test_the_calendar_parses_back_with_every_dated_item():
    items = tracker.status(AS_OF)
    events = _events(calendar_bytes(AS_OF, "en", base=BASE))
    assert sorted(str(e["X-WORKPLAN-ITEM"]) for e in events) == sorted(items["item_id"])
    assert len({str(e["UID"]) for e in events}) == len(events)
    for e in events:  # RFC 5545: every VEVENT has UID and DTSTAMP; all-day events end after they start
        assert e["DTSTAMP"].dt == dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
        assert isinstance(e["DTSTART"].dt, dt.date) and e["DTEND"].dt > e["DTSTART"].dt


def test_each_event_carries_its_status_precision_and_link():
    events = {str(e["X-WORKPLAN-ITEM"]): e for e in _events(calendar_bytes(AS_OF, "en", base=BASE))}
    forum = events["ivo_forums:2026"]
    assert str(forum["SUMMARY"]) == "ASEAN IVO Forum 2026 (November 2026)"
    assert (forum["DTSTART"].dt, forum["DTEND"].dt) == (dt.date(2026, 11, 1), dt.date(2026, 12, 1))
    assert str(forum["X-WORKPLAN-STATUS"]) == "in_period" and str(forum["X-WORKPLAN-PRECISION"]) == "month"
    assert str(forum["URL"]) == BASE + "source.html#L287"
    assert "L287" in str(forum["DESCRIPTION"]) and "in its period" in str(forum["DESCRIPTION"])
    action = events["1.1-1"]
    assert str(action["SUMMARY"]).endswith("(in 2026)")
    meeting = events["friends_group_in_person_meeting_2026"]  # an outcome is recorded: its page is the link
    assert str(meeting["URL"]).startswith("https://") and "source.html" not in str(meeting["URL"])
    assert str(meeting["X-WORKPLAN-STATUS"]) == "held"
    nxt = events["ajccbc_support:next"]
    assert str(nxt["STATUS"]) == "TENTATIVE"  # ※暫定
    assert str(nxt["SUMMARY"]).endswith("(June 2027 – May 2031)")


def test_precision_is_said_as_the_plan_says_it():
    assert when("2026-01-01", "year", None, None, "en") == "in 2026"
    assert when("2026-11-01", "month", None, None, "en") == "November 2026"
    assert when("2026-11-01", "month", None, None, "ja") == "2026年11月"
    assert when("2009-01-01", "year", None, None, "en", open_ended=True) == "since 2009"


def test_calendars_per_pillar_and_country_hold_exactly_their_items():
    items = tracker.status(AS_OF)
    pillar2 = _events(calendar_bytes(AS_OF, "ja", pillar=2))
    assert sorted(str(e["X-WORKPLAN-ITEM"]) for e in pillar2) == sorted(
        items.loc[items["pillar_id"] == 2, "item_id"]
    )
    mys = _events(calendar_bytes(AS_OF, "en", country="MYS"))
    assert sorted(str(e["X-WORKPLAN-ITEM"]) for e in mys) == sorted(
        items.loc[items["country_iso3"] == "MYS", "item_id"]
    )
    assert (
        "URL" not in pillar2[0]
    )  # without the site's address no relative URL is written (RFC 5545 wants a URI)
    assert calendar_bytes(AS_OF, "en") == calendar_bytes(AS_OF, "en")  # no clock


def test_the_feed_parses_back_with_an_entry_per_outcome_and_per_change():
    late = "2027-12-31"
    outcomes = pd.read_csv(DEFAULT_DATA_DIR / "outcomes.csv", dtype=str)
    expected_changes = changes(late)
    for lang in ("en", "ja"):
        parsed = feedparser.parse(feed_bytes(late, lang, base=BASE))
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.version == "atom10" and parsed.feed.updated == "2027-12-31T00:00:00Z"
        categories = [e.tags[0].term for e in parsed.entries]
        outcome_entries = [
            e for e in parsed.entries if any(link.href in set(outcomes["source_url"]) for link in e.links)
        ]
        assert len(outcome_entries) == len(outcomes)
        assert len(parsed.entries) == len(outcomes) + len(expected_changes)
        assert len({e.id for e in parsed.entries}) == len(parsed.entries)
        for e in parsed.entries:
            hrefs = {link.rel: link.href for link in e.links}
            assert BASE + f"{lang}/tracker.html" in hrefs.values()
            assert e.updated_parsed is not None
        assert set(categories) <= set(tracker.STATUSES) | {"ended"}
    assert ("ivo_forums:2026", "in_period", "overdue") in set(
        zip(expected_changes["item_id"], expected_changes["old"], expected_changes["new"], strict=True)
    )


def test_changes_come_from_the_tracker_on_each_date():
    found = changes("2027-12-31")
    for row in found.itertuples(index=False):
        day = row.date_changed.date()
        before = tracker.status((day - dt.timedelta(days=1)).isoformat()).set_index("item_id")
        after = tracker.status(day.isoformat()).set_index("item_id")
        assert (before.loc[row.item_id, "status"], after.loc[row.item_id, "status"]) == (row.old, row.new)
    # an outcome's own change is its entry, not a second one: the meeting held on 15 March 2026
    meeting = found[found["item_id"] == "friends_group_in_person_meeting_2026"]
    assert list(meeting["new"]) == ["in_period"]


def test_an_outcome_not_yet_published_on_the_date_is_not_in_the_feed():
    outcomes = pd.read_csv(DEFAULT_DATA_DIR / "outcomes.csv", dtype=str)
    friends = outcomes[outcomes["item_id"] == "friends_group_in_person_meeting_2026"].iloc[0]
    assert friends["source_date"] == "2026-03-16"

    def links(day: str) -> set[str]:
        return {link.href for e in feedparser.parse(feed_bytes(day, "en")).entries for link in e.links}

    assert friends["source_url"] not in links("2026-03-15")
    assert friends["source_url"] in links("2026-03-16")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    update_site(out, DEFAULT_DATA_DIR, {"reports": {}, "data": ""}, [], "test")
    return out


def test_the_build_writes_them_once_and_the_index_links_them(built):
    before = {p: p.read_bytes() for p in built.rglob("*") if p.is_file()}
    manifest = {"reports": {}, "data": ""}
    update_site(built, DEFAULT_DATA_DIR, manifest, [], "test")
    assert {p: p.read_bytes() for p in built.rglob("*") if p.is_file()} == before  # same inputs, same bytes
    for path in (
        "source.html",
        "search-index.js",
        "feed.xml",
        "feed-ja.xml",
        "calendar/en/all.ics",
        "calendar/ja/pillar-2.ics",
    ):
        assert (built / path).is_file(), path
    index = (built / "index.html").read_text(encoding="utf-8")
    for href in (
        'href="feed.xml"',
        'href="feed-ja.xml"',
        'href="calendar/en/all.ics"',
        'href="source.html"',
        'src="search-index.js"',
    ):
        assert href in index, href
    assert 'type="application/atom+xml"' in index and 'id="search-box"' in index
    assert "python -m workplan cite ajccbc_support next" in index and 'href="source.html#L205"' in index


def test_the_search_index_is_plain_data_the_page_loads(built):
    text = (built / "search-index.js").read_text(encoding="utf-8")
    assert text.startswith("window.WORKPLAN_SEARCH = ") and text.endswith(";\n")
    data = json.loads(text.removeprefix("window.WORKPLAN_SEARCH = ").removesuffix(";\n"))
    assert {"rows", "terms", "texts", "tables", "separators", "relations"} <= set(data)


def test_the_tracker_report_links_the_calendar_and_the_feed():
    tracker_spec = report_spec("tracker", {"lang": "ja"})
    links = follow_links(tracker_spec, Links("../index.html", "../en/tracker.html"))
    assert [f["href"] for f in links] == ["../calendar/ja/all.ics", "../feed-ja.xml"]
    assert follow_links(tracker_spec, Links(None, None)) == []  # a file outside the site: no dead links
    assert follow_links(report_spec("overview", {"lang": "ja"}), Links("../index.html", None)) == []


def _site_files(out: Path) -> dict[str, int]:
    """Each published file (not the index or downloads) and when it was last written."""
    skip = ("index.html", "data/")
    return {
        p.relative_to(out).as_posix(): p.stat().st_mtime_ns
        for p in out.rglob("*")
        if p.is_file() and not p.relative_to(out).as_posix().startswith(skip)
    }


def test_each_piece_is_made_again_only_when_what_it_read_changed(tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    out = tmp_path / "site"
    manifest: dict = {"reports": {}, "data": ""}
    update_site(out, data, manifest, [], "test")
    record = manifest["site"]["follow"]
    assert set(record) == {"source", "search", "calendars", "feeds"}
    assert "raw/000_35f81f830df77f46.txt" in record["source"]["reads"]
    assert {"events.csv", "outcomes.csv", "outcome_checks.csv", "item_links.csv"} <= set(
        record["calendars"]["reads"]
    )
    assert "ivo_activities.csv" in record["search"]["reads"]
    assert "ivo_activities.csv" not in record["calendars"]["reads"] | record["feeds"]["reads"]
    first = _site_files(out)

    # a table only the search box reads: its index alone is made again
    path = data / "ivo_activities.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("研究開発、実証実験", "研究開発・実証実験", 1), "utf-8"
    )
    written = update_site(out, data, manifest, [], "test")
    assert "search index" in written and "calendars" not in written and "feeds" not in written
    second = _site_files(out)
    assert [p for p in first if second[p] != first[p]] == ["search-index.js"]

    # a missing calendar is made again; the library changing makes every piece again
    (out / "calendar" / "en" / "all.ics").unlink()
    assert "calendars" in update_site(out, data, manifest, [], "test")
    assert (out / "calendar" / "en" / "all.ics").is_file()
    before = manifest["site"]["follow"]
    update_site(out, data, manifest, [], "another library")
    assert all(manifest["site"]["follow"][p]["inputs"]["library"] == "another library" for p in before)
