"""Report HTML, rendered through autoescaped Jinja templates (`templates/pieces/`).

Every piece of HTML a report shows besides the Markdown (tables, charts) is made here: values go
into a template as they are written and the environment escapes each one, once. No helper builds
HTML by joining strings, so nothing has to remember to escape.
"""

from __future__ import annotations

import functools
from typing import Any

from .paths import LIB_DIR


@functools.cache
def environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(LIB_DIR / "templates" / "pieces"),
        autoescape=True,  # every template, whatever its name
        undefined=StrictUndefined,
        keep_trailing_newline=False,
    )


def render(name: str, **values: Any) -> str:
    """The piece `name` (a file of templates/pieces/) with `values` put in, each escaped once."""
    return environment().get_template(name).render(**values)


def cell_text(value: Any) -> str:
    """A table cell as text: missing → '—', whole floats without '.0', everything else as written."""
    import pandas as pd

    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
