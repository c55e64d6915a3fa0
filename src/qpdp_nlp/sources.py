"""Kept so that ``qpdp_nlp.sources`` still imports: the readers live in :mod:`qpdp_nlp.ingest.sources`."""

from .ingest.sources import *  # noqa: F403
from .ingest.sources import Article, Fields, ReadOptions, read_paths  # noqa: F401
