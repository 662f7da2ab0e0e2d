"""The embedded face's subsets: the same bytes whether made now or taken from the cache folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from workplan.build import fonts
from workplan.paths import CACHE_DIR_ENV, cache_dir

HIRAGANA = tuple(range(0x3042, 0x3094, 2))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    fonts.subset.cache_clear()  # the in-process memo would hide the folder
    yield tmp_path / "cache"
    fonts.subset.cache_clear()


def entries(cache: Path) -> list[Path]:
    return sorted((cache / "font-subsets").glob("*.woff"))


def test_the_cache_folder_follows_its_variable_then_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "a"))
    assert cache_dir() == tmp_path / "a"
    monkeypatch.delenv(CACHE_DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "b"))
    assert cache_dir() == tmp_path / "b" / "workplan"


def test_a_subset_is_kept_and_taken_back_byte_for_byte(cache):
    made = fonts.make_subset(HIRAGANA)
    assert made[:4] == b"wOFF"
    assert fonts.subset(HIRAGANA) == made
    [entry] = entries(cache)
    fonts.subset.cache_clear()
    entry_time = entry.stat().st_mtime_ns
    assert fonts.subset(HIRAGANA) == made
    assert entry.stat().st_mtime_ns == entry_time  # read, not written again


def test_other_characters_have_their_own_entry(cache):
    fonts.subset(HIRAGANA)
    fonts.subset(HIRAGANA[:-1])
    assert len(entries(cache)) == 2


@pytest.mark.parametrize("damage", ["truncated", "changed", "empty"])
def test_a_damaged_entry_is_made_again(cache, damage):
    made = fonts.subset(HIRAGANA)
    [entry] = entries(cache)
    stored = entry.read_bytes()
    entry.write_bytes(
        {
            "truncated": stored[:-100],
            "changed": stored[:40] + bytes([stored[40] ^ 1]) + stored[41:],
            "empty": b"",
        }[damage]
    )
    fonts.subset.cache_clear()
    assert fonts.subset(HIRAGANA) == made
    assert entry.read_bytes() == stored  # and put right


def test_a_cache_path_that_is_a_file_only_costs_time(cache):
    cache.parent.mkdir(exist_ok=True)
    cache.write_text("not a folder")
    assert fonts.subset(HIRAGANA) == fonts.make_subset(HIRAGANA)


def test_no_temporary_file_is_left(cache):
    fonts.subset(HIRAGANA)
    assert [p.name for p in (cache / "font-subsets").iterdir()] == [entries(cache)[0].name]
