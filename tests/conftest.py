"""Settings every test shares."""

import os

from workplan.params import AS_OF_ENV, DEFAULT_AS_OF

# `python -m workplan build` without --as-of builds for today (UTC); the tests' builds (subprocesses inherit
# this) stay at the committed notebooks' date, so what they compare does not change from day to day.
os.environ.setdefault(AS_OF_ENV, DEFAULT_AS_OF)
