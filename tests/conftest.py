"""Fixtures shared by several test files.

`full_build`: one full build of every report per session (test_build.py reads it, and so do the
browser tests in test_browser.py), so the matrix is built once for both where they run together.
"""

from __future__ import annotations

import shutil

import pytest
from test_build import AUDIT_STARTUP, copy_notebooks, run_build
from workplan.paths import DEFAULT_DATA_DIR


@pytest.fixture(scope="session")
def full_build(tmp_path_factory):
    """A full build of every report from copies of notebooks/ and data/ (so tests may change them)."""
    import os

    root = tmp_path_factory.mktemp("full-build")
    notebooks = copy_notebooks(root / "notebooks")
    data = root / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    audit = root / "audit"
    startup = root / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    audit.mkdir()
    (startup / "00-audit.py").write_text(AUDIT_STARTUP)
    env = {
        **os.environ,
        "IPYTHONDIR": str(root / "ipython"),
        "WORKPLAN_AUDIT_DIR": str(audit),
    }
    env.pop("WORKPLAN_DATA_DIR", None)
    out = root / "reports"
    result = run_build(out, notebooks, "--jobs", "2", "--data", str(data), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return {
        "root": root,
        "out": out,
        "data": data,
        "notebooks": notebooks,
        "audit": audit,
        "result": result,
        "snapshot": {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()},
    }
