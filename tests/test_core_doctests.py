"""The Vietnamese examples in the core modules' docstrings run and say what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["qpdp_nlp", "qpdp_nlp.pipeline", "qpdp_nlp.text", "qpdp_nlp.records", "qpdp_nlp.lexicons",
           "qpdp_nlp.extractors.persons"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
