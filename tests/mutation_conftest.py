"""Used only by `make mutation`: tests/mutate.py copies it into its scratch folder as conftest.py.

mutmut first runs the tests once, noting which test called which function, and later runs against
a mutant only the tests that called the mutated function. Here a test often calls nothing itself: it
reads a table a module-level constant, a module-scoped fixture or the loader's cache computed earlier
(for another test). So every test of the run counts as calling every function any of them called:
each mutant faces all the tests chosen for its module (fast tests first; the first failure stops).
"""

from __future__ import annotations

import pytest

_called: set[str] = set()
_tests: set[str] = set()


def _recording() -> bool:
    from mutmut.mutation.trampoline import get_mutant_under_test

    return get_mutant_under_test() == "stats"


@pytest.hookimpl(tryfirst=True)  # before mutmut's own hook clears what the test called
def pytest_runtest_teardown(item: pytest.Item) -> None:
    if _recording():
        from mutmut.state import state

        _called.update(state()._stats)
        _tests.add(item.nodeid.removeprefix("mutants/"))


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _recording():
        from mutmut.state import state

        _called.update(state()._stats)
        for function in _called:
            state().tests_by_mangled_function_name[function] |= _tests
