"""What holds for every test file: property tests are deterministic, and fast tests run first.

- Hypothesis draws the same examples on every run and on every machine (`derandomize=True`) and
  keeps no example database between runs (`database=None`): a property test fails on a change, not
  on a new random draw. A test's own `@settings(...)` overrides only what it names.
- The files that build reports or start kernels run after the fast logic tests, so a one-line
  logic bug shows in the first seconds instead of after the full builds. Under xdist the files are
  handed out whole and in this order (`--dist loadfile --no-loadscope-reorder`, see the Makefile),
  so each file's build fixtures run once, on one worker.
"""

from __future__ import annotations

import pytest
from hypothesis import settings

settings.register_profile("deterministic", derandomize=True, database=None, deadline=None)
settings.load_profile("deterministic")

# Files that build reports or start kernels, in the order they run after all the others.
SLOW_FILES = (
    "test_kernels.py",
    "test_notebook_parameters.py",
    "test_rendered_text.py",
    "test_faults.py",
    "test_build.py",
)


def slow_rank(item: pytest.Item) -> int:
    name = item.path.name
    return SLOW_FILES.index(name) + 1 if name in SLOW_FILES else 0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=slow_rank)  # stable: each file keeps its own order
