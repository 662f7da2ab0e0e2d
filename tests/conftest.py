"""What holds for every test file: property tests are deterministic, and fast tests run first.

- Hypothesis draws the same examples on every run and on every machine (`derandomize=True`) and
  keeps no example database between runs (`database=None`): a property test fails on a change, not
  on a new random draw. A test's own `@settings(...)` overrides only what it names.
- The files that build reports or start kernels run after the fast logic tests, so a one-line
  logic bug shows in the first seconds instead of after the full builds. Under xdist the files are
  handed out whole and in this order (`--dist loadfile --no-loadscope-reorder`, see the Makefile),
  so each file's build fixtures run once, on one worker.
- `python -m workplan build` without --as-of builds for today (UTC); the tests' builds (subprocesses
  inherit the environment) stay at the committed notebooks' date, so what they compare does not change
  from day to day.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings
from workplan.params import AS_OF_ENV, DEFAULT_AS_OF

settings.register_profile("deterministic", derandomize=True, database=None, deadline=None)
settings.load_profile("deterministic")

os.environ.setdefault(AS_OF_ENV, DEFAULT_AS_OF)

# Files that build reports or start kernels, in the order they run after all the others.
SLOW_FILES = (
    "test_kernels.py",
    "test_notebook_parameters.py",
    "test_rendered_text.py",
    "test_commands.py",
    "test_search_box.py",
    "test_faults.py",
    "test_browser.py",
    "test_build.py",
)


def slow_rank(item: pytest.Item) -> int:
    name = item.path.name
    return SLOW_FILES.index(name) + 1 if name in SLOW_FILES else 0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=slow_rank)  # stable: each file keeps its own order
