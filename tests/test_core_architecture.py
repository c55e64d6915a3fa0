"""The house rules that keep the pipeline readable: no import cycles inside the package, and a
missing model is a coded error rather than silently worse output."""

from __future__ import annotations

import ast
from importlib.resources import files
from pathlib import Path

import pytest

from qpdp_nlp.errors import ModelMissing

PACKAGE = Path(str(files("qpdp_nlp")))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Modules of the package that ``path`` imports, at module level or inside functions."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if not base.startswith("qpdp_nlp"):
                continue
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("qpdp_nlp"))
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    # Importing a package runs its __init__, but a package importing its own submodules
    # (re-exports) is not a cycle of the code that does the work.
    return {
        name: {m for m in _imports(path) if m in modules and m != name and not name.startswith(m + ".")}
        for name, path in modules.items()
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_import_graph_is_acyclic():
    cycle = _cycle(_graph())
    assert cycle is None, " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_counts_and_indicators_do_not_import_each_other():
    graph = _graph()
    assert "qpdp_nlp.classify.indicators" not in graph["qpdp_nlp.extractors.counts"]
    assert "qpdp_nlp.extractors.counts" not in graph["qpdp_nlp.classify.indicators"]


def test_dataset_compare_publish_are_layers():
    """records → dataset (the base tables) → compare (the comparison) → publish (what carries it)."""
    graph = _graph()
    assert not {"qpdp_nlp.compare", "qpdp_nlp.publish"} & graph["qpdp_nlp.dataset"]
    assert "qpdp_nlp.publish" not in graph["qpdp_nlp.compare"]


def test_a_missing_model_is_a_coded_error(monkeypatch, tmp_path):
    from qpdp_nlp.classify import indicators, relevance

    monkeypatch.setattr(relevance, "_model_resource", lambda name: tmp_path / name)
    relevance.load_model.cache_clear()
    try:
        with pytest.raises(ModelMissing, match="qpdp train"):
            relevance.predict("Lễ giao nhận quân năm 2025")
    finally:
        relevance.load_model.cache_clear()

    monkeypatch.setattr(indicators, "MODEL_FILE", "no-such-model.json")
    indicators._model.cache_clear()
    try:
        with pytest.raises(ModelMissing) as err:
            indicators._model()
        assert err.value.code == "E011"
    finally:
        indicators._model.cache_clear()


def test_pipeline_version_follows_data_and_models(tmp_path):
    """A lexicon or model edit must change PIPELINE_VERSION, or batch reruns skip stale articles."""
    from qpdp_nlp.pipeline import PIPELINE_VERSION, data_fingerprint

    assert PIPELINE_VERSION.endswith("+" + data_fingerprint())
    for folder in ("data", "models"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.tsv").write_text("x\n", encoding="utf-8")
    before = data_fingerprint(tmp_path)
    assert data_fingerprint(tmp_path) == before
    (tmp_path / "data" / "a.tsv").write_text("y\n", encoding="utf-8")
    edited = data_fingerprint(tmp_path)
    (tmp_path / "models" / "b.json").write_text("{}", encoding="utf-8")
    assert len({before, edited, data_fingerprint(tmp_path)}) == 3


def test_categorical_columns_are_the_closed_sets_of_their_sources():
    """A value list copied by hand drifts (three document kinds were once missing): each
    categorical column must be exactly the set its producer declares."""
    from qpdp_nlp import dataset, records
    from qpdp_nlp.lexicons import read_table

    def categories(table: str, column: str) -> set[str]:
        (col,) = [c for c in dataset.TABLES[table] if c.name == column]
        return set(col.categories)

    assert categories("documents", "kind") == {r["kind"] for r in read_table("document_kinds.tsv", pad=True)}
    assert categories("counts", "indicator") == set(records.INDICATORS)
    assert categories("counts", "qualifier") == set(records.QUALIFIERS)
    assert categories("units", "type") == set(records.UNIT_TYPES)
    assert categories("articles", "level") == categories("units", "level") == set(records.LEVELS)
    assert categories("articles", "topic") == set(records.TOPICS)
    from qpdp_nlp import gazetteer

    assert categories("places", "type") == set(gazetteer.PLACE_TYPES)
    assert categories("articles", "district_type") == set(gazetteer.DISTRICT_TYPES)


@pytest.mark.parametrize("scope_conf, year_conf, own_year, indicator_conf, expected", [
    (0.9, 0.8, None, 0.5, 0.36),
    (0.9, 0.8, 2022, 0.5, 0.4275),   # a year in the count's own clause replaces the article's
    (None, 0.8, None, 0.5, 0.4),     # a decision without confidence is left out
    (None, None, None, None, None),  # nothing known: unknown, not low
])
def test_cell_confidence_is_the_product_of_its_decisions(scope_conf, year_conf, own_year, indicator_conf, expected):
    from qpdp_nlp.pipeline import set_cell_confidence
    from qpdp_nlp.records import ArticleRecord, Count, Scope

    count = Count(rule="test", text="5 người", start=0, end=7, value=5, year=own_year, indicator_confidence=indicator_conf)
    record = ArticleRecord(article_id="x", scope=Scope(confidence=scope_conf), report_year_confidence=year_conf,
                           counts=[count])
    set_cell_confidence(record)
    assert count.confidence == (pytest.approx(expected) if expected is not None else None)
