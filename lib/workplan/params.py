"""Declared notebook parameters: types, allowed values, and one clear error for anything else.

Every report parameter is declared here once. The build checks its matrix against these
declarations before any kernel starts; each notebook checks its own values in the cell after
the `parameters` cell, so papermill's CLI, the build and JupyterLab all get the same message.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import MissingParameterError, ParameterError, ParameterErrors

LANGS = ("ja", "en")
PILLARS = (1, 2, 3, 4)
DEFAULT_AS_OF = "2026-01-31"  # the end of the plan's month of publication (January 2026): the committed
# notebooks, nbval and tests/expected are pinned to it
AS_OF_ENV = (
    "WORKPLAN_AS_OF"  # the date `build` uses without --as-of, where set (the tests pin it); else today
)


def today() -> str:
    """Today's date on the UTC clock (YYYY-MM-DD): the same day for every builder, wherever it runs."""
    return dt.datetime.now(dt.UTC).date().isoformat()


def build_as_of() -> str:
    """The date `python -m workplan build` (and `make reports`) uses without --as-of: $WORKPLAN_AS_OF where
    set, else today (UTC)."""
    import os

    value = os.environ.get(AS_OF_ENV)
    return check(as_of=value)["as_of"] if value else today()


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: type
    allowed: str  # how the allowed values are described in messages
    check: Callable[[Any], Any]  # returns the normalised value or raises ParameterError


def _lang(value: Any) -> str:
    if not isinstance(value, str) or value not in LANGS:
        raise ParameterError("lang", value, '"ja" or "en"')
    return value


def _pillar(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in PILLARS:
        raise ParameterError("pillar", value, "an integer 1, 2, 3 or 4")
    return value


def _as_of(value: Any) -> str:
    allowed = "an ISO date YYYY-MM-DD, such as " + DEFAULT_AS_OF
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ParameterError("as_of", value, allowed)
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise ParameterError("as_of", value, allowed + " (a real calendar date)") from None
    return value


def _country(value: Any) -> str:
    from .countries import resolve_country

    return resolve_country(value)


PARAMETERS: dict[str, Parameter] = {
    "lang": Parameter("lang", str, '"ja" or "en"', _lang),
    "pillar": Parameter("pillar", int, "1, 2, 3 or 4", _pillar),
    "as_of": Parameter("as_of", str, "an ISO date YYYY-MM-DD", _as_of),
    "country": Parameter("country", str, "an ASEAN member's ISO 3166 alpha-3 code", _country),
}


def check(**values: Any) -> dict[str, Any]:
    """Check and normalise parameter values; raise ParameterError naming the first bad one."""
    out = {}
    for name, value in values.items():
        if name not in PARAMETERS:
            raise ParameterError(name, value, "a declared parameter: " + ", ".join(PARAMETERS))
        out[name] = PARAMETERS[name].check(value)
    return out


def check_mapping(values: Mapping[str, Any], expected: tuple[str, ...]) -> dict[str, Any]:
    """Check a whole parameter set for one notebook: no missing, no unknown, each value allowed."""
    unknown = [k for k in values if k not in expected]
    if unknown:
        raise ParameterError(
            unknown[0], values[unknown[0]], "parameters of this notebook: " + ", ".join(expected)
        )
    missing = [k for k in expected if k not in values]
    if missing:
        raise ParameterError(missing[0], None, "a value: this notebook needs " + ", ".join(expected))
    return check(**values)


# What a notebook serving several subjects is about: on demand (`python -m workplan render`) its default
# does not stand in for it (a country report rendered without -p country is not Cambodia's by accident).
# A pillar notebook's `pillar` is fixed by the notebook itself.
REQUIRED_ON_DEMAND = ("country",)


def check_request(pairs: list[tuple[str, str]], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """Command-line `-p NAME VALUE` pairs for a notebook whose parameters cell declares `defaults`:
    typed like the defaults and checked, every problem at once (unknown names, a missing parameter the
    report is about, each bad value). Returns the given values, typed and normalised."""
    errors: list[ParameterError] = []
    given = dict(pairs)
    expected = tuple(defaults)
    for name, text in given.items():
        if name not in expected:
            errors.append(ParameterError(name, text, "parameters of this notebook: " + ", ".join(expected)))
    for name in REQUIRED_ON_DEMAND:
        if name in expected and name not in given:
            allowed = PARAMETERS[name].allowed
            errors.append(MissingParameterError(name, None, f"{allowed}, given with -p {name} VALUE"))
    out: dict[str, Any] = {}
    for name, text in given.items():
        if name not in expected:
            continue
        value: Any = text
        default = defaults[name]
        if isinstance(default, int) and not isinstance(default, bool):
            try:
                value = int(text)
            except ValueError:
                allowed = f" ({PARAMETERS[name].allowed})" if name in PARAMETERS else ""
                errors.append(ParameterError(name, text, "a whole number" + allowed))
                continue
        try:
            out[name] = PARAMETERS[name].check(value) if name in PARAMETERS else value
        except ParameterError as exc:
            errors.append(exc)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ParameterErrors(errors)
    return out
