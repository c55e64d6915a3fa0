"""Extractors: one module per kind of fact, one signature.

Each module exposes ``extract(doc: Analysis) -> list[Fact]``: a pure function of the normalised
text, its words and sentences (and, for later stages, what earlier extractors put in
``doc.found``), returning facts in order of appearance. The pipeline (``qpdp_nlp.pipeline``)
runs them in the order of :data:`ORDER`.
"""

ORDER = ("places", "units", "persons", "counts", "documents")
