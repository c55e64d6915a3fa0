"""Extractors: one module per kind of fact.

Each module exposes ``extract(doc: Analysis, ...) -> list[Fact]``: a pure function of the
normalised text, its words and sentences, and of the earlier stages' facts it needs, passed as
arguments (``units.extract(doc, places)``, ``scope.extract(doc, places, units)``). The order and
the data flow are written out once, in :class:`qpdp_nlp.pipeline.Pipeline`.
"""
