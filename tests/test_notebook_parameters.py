"""Each notebook refuses a bad parameter at its first cell, naming the parameter and what is allowed.

Run as papermill runs them (in-process `papermill.execute_notebook`, a fresh kernel each).
"""

from __future__ import annotations

import papermill
import pytest
from papermill.exceptions import PapermillExecutionError
from workplan.kernels import CLASS_PATH as KERNEL_MANAGER
from workplan.matrix import NOTEBOOKS
from workplan.paths import NOTEBOOK_DIR

pytestmark = pytest.mark.xdist_group("notebook-parameters")

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
            kernel_name="python3",
            # Socket files, not TCP ports: other tests start kernels at the same time.
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
