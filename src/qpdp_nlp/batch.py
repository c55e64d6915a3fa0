"""Kept so that ``qpdp_nlp.batch`` still imports: batch runs live in :mod:`qpdp_nlp.ingest.batch`."""

from .ingest.batch import *  # noqa: F403
from .ingest.batch import RunOptions, run  # noqa: F401
