"""Each notebook declares its parameters once, in its `parameters` cell, and refuses a bad value at its
first cell, naming the parameter and what is allowed.

The report matrix reads that cell itself (no papermill at planning time); the tests check it reads what
papermill reads. Notebooks run as papermill runs them (in-process `papermill.execute_notebook`, a
fresh kernel each, the project's `workplan` kernel).
"""

from __future__ import annotations

import ast
import json

import papermill
import pytest
from papermill.exceptions import PapermillExecutionError
from workplan.build.execute import KERNEL_NAME
from workplan.kernels import CLASS_PATH as KERNEL_MANAGER
from workplan.matrix import NOTEBOOKS, notebook_parameters, present_notebooks, report_matrix
from workplan.paths import NOTEBOOK_DIR

pytestmark = pytest.mark.xdist_group("notebook-parameters")

REPORT_NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def test_every_report_notebook_is_declared_and_every_declared_one_present_builds():
    declared = {nb.file for nb in NOTEBOOKS.values()}
    assert {p.name for p in REPORT_NOTEBOOKS} <= declared, "declare its title in workplan/matrix.py"
    built = {spec.notebook for spec in report_matrix()}
    assert built == set(present_notebooks()) and built


@pytest.mark.parametrize("path", REPORT_NOTEBOOKS, ids=lambda p: p.name)
def test_the_matrix_reads_the_parameters_papermill_reads(path):
    inspected = papermill.inspect_notebook(str(path))
    ours = notebook_parameters(path)
    assert list(ours) == list(inspected)
    for name, value in ours.items():
        assert value == ast.literal_eval(inspected[name]["default"]), name  # papermill gives the source


@pytest.mark.parametrize("path", REPORT_NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_asks_for_the_project_kernel(path):
    kernelspec = json.loads(path.read_text(encoding="utf-8"))["metadata"]["kernelspec"]
    assert kernelspec["name"] == KERNEL_NAME and kernelspec["display_name"] == "Python (workplan)"


def test_the_matrix_follows_each_notebooks_parameters():
    """Every parameter a notebook declares is set in each of its reports; lang and country vary,
    a pillar notebook keeps its own pillar."""
    for spec in report_matrix():
        declared = notebook_parameters(spec.notebook_path)
        assert list(spec.params) == list(declared), spec.key
        if "pillar" in declared:
            assert spec.params["pillar"] == declared["pillar"]
    assert {s.params["lang"] for s in report_matrix()} == {"ja", "en"}


BAD = [
    ("overview", {"lang": "fr"}, "lang", '"ja" or "en"'),
    ("overview", {"as_of": "2026-13-45"}, "as_of", "YYYY-MM-DD"),
    ("pillar1", {"lang": "fr"}, "lang", '"ja" or "en"'),
    ("pillar2", {"pillar": 7}, "pillar", "1, 2, 3 or 4"),
    ("pillar3", {"pillar": 2}, "pillar", "pillar2_cyber.ipynb"),
    ("pillar4", {"as_of": "January 2026"}, "as_of", "YYYY-MM-DD"),
    ("country", {"country": "Atlantis"}, "country", "KHM (Cambodia)"),
    ("country", {"lang": 'en"; import os; os.system("echo injected") #'}, "lang", '"ja" or "en"'),
]


@pytest.mark.parametrize(("notebook", "params", "name", "allowed"), BAD, ids=[f"{b[0]}-{b[2]}" for b in BAD])
def test_bad_parameter_stops_at_the_first_cell_with_a_clear_message(
    tmp_path, notebook, params, name, allowed
):
    source = NOTEBOOK_DIR / NOTEBOOKS[notebook].file
    with pytest.raises(PapermillExecutionError) as info:
        papermill.execute_notebook(
            str(source),
            str(tmp_path / "out.ipynb"),
            parameters=params,
            cwd=str(NOTEBOOK_DIR),
            progress_bar=False,
            # The notebook's own kernel; socket files, not TCP ports: other tests start kernels too.
            kernel_manager_class=KERNEL_MANAGER,
        )
    error = info.value
    assert error.ename == "ParameterError"
    assert f"parameter {name!r}" in error.evalue
    assert allowed in error.evalue
    # It stops at the first cell after the parameters (1) and papermill's injected values (2).
    assert error.exec_count == 3
    assert "show.check_parameters(" in error.source


@pytest.mark.parametrize("country", ["khm", "KH", "cambodia", " Cambodia "])
def test_country_accepts_alpha3_alpha2_and_english_name(country):
    from workplan.countries import resolve_country

    assert resolve_country(country) == "KHM"
