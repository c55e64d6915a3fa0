"""Issue 17, point 6: ``qpdp info`` / ``qpdp_nlp.info()`` say what extracts (package, pipeline,
data and model versions, gazetteer edition, underthesea), and ``qpdp --version`` names the
pipeline, not only the package."""

from __future__ import annotations

import json
from importlib.metadata import version

from click.testing import CliRunner

import qpdp_nlp
from qpdp_nlp.cli import cli
from qpdp_nlp.pipeline import PIPELINE_VERSION


def test_info_lists_every_version():
    facts = qpdp_nlp.info()
    assert facts["qpdp_nlp"] == qpdp_nlp.__version__
    assert facts["pipeline_version"] == PIPELINE_VERSION
    assert facts["underthesea"] == version("underthesea")
    assert facts["gazetteer"] == f"vietnamadminunits {version('vietnamadminunits')}"
    assert set(facts["models"]) == {"indicator", "relevance", "topic"}
    assert all(len(h) == 8 for h in facts["models"].values())
    assert facts["data"].startswith(PIPELINE_VERSION.split("+")[1])


def test_qpdp_info_command():
    result = CliRunner().invoke(cli, ["info", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(json.dumps(qpdp_nlp.info()))
    text = CliRunner().invoke(cli, ["info"]).stdout
    assert PIPELINE_VERSION in text and "underthesea" in text and "vietnamadminunits" in text


def test_version_names_the_pipeline():
    out = CliRunner().invoke(cli, ["--version"]).stdout
    assert PIPELINE_VERSION in out and version("underthesea") in out and "gazetteer" in out
