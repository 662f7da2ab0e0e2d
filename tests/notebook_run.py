"""Run a report notebook in this process, as a kernel would, and keep what each cell displays.

Faster than a kernel and gives the displayed objects themselves (charts with their figures, tables
with their frames), so tests can check what readers see. The `parameters` cell is replaced by the
given values, as papermill injects them.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import IPython.display
import nbformat
from workplan.paths import NOTEBOOK_DIR
from workplan.show import Parts


def flatten(objects: list[Any]) -> list[Any]:
    out: list[Any] = []
    for obj in objects:
        out.extend(flatten(obj.parts) if isinstance(obj, Parts) else [obj])
    return out


def run_notebook(path: str | Path, **params: Any) -> list[Any]:
    """Every object the notebook displays, in order (Parts flattened); raises what a cell raises."""
    path = Path(path)
    if not path.is_absolute():
        path = NOTEBOOK_DIR / path
    nb = nbformat.read(path, as_version=4)
    shown: list[Any] = []

    def display(*objects: Any, **_: Any) -> None:
        shown.extend(o for o in objects if o is not None)

    namespace: dict[str, Any] = {"display": display, "__name__": "__main__"}
    original = IPython.display.display
    IPython.display.display = display  # helpers that call display() themselves
    try:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            if "parameters" in cell.metadata.get("tags", []):
                exec(cell.source, namespace)
                namespace.update(params)
                continue
            tree = ast.parse(cell.source)
            last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            body = ast.Module(body=tree.body[:-1] if last else tree.body, type_ignores=[])
            exec(compile(body, f"{path.name}", "exec"), namespace)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), f"{path.name}", "eval"), namespace)
                if value is not None:
                    shown.append(value)
    finally:
        IPython.display.display = original
    return flatten(shown)
