"""spaCy door: an underthesea tokenizer, the ``qpdp`` component and displaCy views.

Nothing here extracts anything: the component runs the package's one pipeline
(:func:`qpdp_nlp.pipeline.shared_pipeline`) on ``doc.text`` and turns the record into spans.

>>> import spacy
>>> nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "qpdp.underthesea_tokenizer.v1"}}})
>>> nlp.add_pipe("qpdp")  # doctest: +ELLIPSIS
<qpdp_nlp.spacy_ext.QpdpComponent object at ...>
>>> doc = nlp("Dự có Thượng tá Nguyễn Quang Long, Phó Tham mưu trưởng Bộ CHQS tỉnh Bắc Kạn.")
>>> [t.text for t in doc][:4]
['Dự', 'có', 'Thượng tá', 'Nguyễn Quang Long']
>>> [(s.text, s._.qpdp["rank"]) for s in doc.spans["persons"]]
[('Thượng tá Nguyễn Quang Long', 'Thượng tá')]

Labels: one vocabulary, one label per kind of fact and so per table of the dataset
(:data:`LABELS`: ``persons`` → ``PERSON``, ``units`` → ``UNIT``, ``counts`` → ``COUNT``,
``documents`` → ``DOCUMENT``, ``places`` → ``PLACE``), the same in ``doc.spans``, ``doc.ents``
and displaCy; what a fact is within its kind (``enlisted``, ``military_command``, ``Nghị quyết``,
``huyện``) is its ``span._.qpdp_type``. The component also fills ``doc.ents`` (the facts that do
not overlap, longest first: spaCy's ``filter_spans``) and ``doc.spans["sc"]`` (every fact), so
stock ``displacy.render(doc, style="ent")`` and ``style="span"`` draw them:

>>> [(e.text, e.label_) for e in doc.ents]
[('Thượng tá Nguyễn Quang Long', 'PERSON'), ('Bộ CHQS tỉnh Bắc Kạn', 'UNIT')]

Both are found by spaCy through entry points (``spacy_tokenizers`` and ``spacy_factories`` in
``pyproject.toml``), so the lines above work without ``import qpdp_nlp``.

Offsets. spaCy's ``doc.text`` is the caller's text, character for character; the pipeline works
on the *normalised* text (NFC, one tone-mark placement, cleaned spaces, ``\\r\\n`` → ``\\n``,
stripped edges), and every fact offset points into that. When the two differ, an
:class:`OffsetMap` aligns them (a minimal character diff: normalisation only rewrites, merges or
deletes characters locally) and each fact is mapped back onto ``doc.text``; spans are then snapped to
token boundaries with ``alignment_mode="expand"``. The tokenizer does the same: it segments the
normalised text (so decomposed or oddly spaced input segments like clean input) and maps the
words back, so ``doc.text_with_ws == text`` always holds.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import registry

if TYPE_CHECKING:
    from rapidfuzz.distance import Opcode
    from spacy.vocab import Vocab

    from .pipeline import Pipeline
    from .records import ArticleRecord, Fact
    from .text import Token

TOKENIZER_NAME = "qpdp.underthesea_tokenizer.v1"
FACTORY_NAME = "qpdp"
KINDS = ("persons", "units", "counts", "documents", "places")

# THE label vocabulary: one label per kind of fact, i.e. per fact table of the dataset.
LABELS = {"persons": "PERSON", "units": "UNIT", "counts": "COUNT", "documents": "DOCUMENT", "places": "PLACE"}
KIND_OF_LABEL = {label: kind for kind, label in LABELS.items()}
ALL_SPANS_KEY = "sc"  # displaCy's default spans_key: every fact, so the stock span view draws them
# The field that says what a fact is within its kind (``span._.qpdp_type``).
_TYPE_FIELD = {"persons": "rank", "units": "type", "counts": "indicator", "documents": "kind", "places": "type"}
_KIND_LABEL = LABELS  # kept for older callers
# One colour per kind (keyed by kind and by label).
KIND_COLOURS = {
    "persons": "#f4a261",
    "units": "#8ecae6",
    "counts": "#b5e48c",
    "documents": "#cdb4db",
    "places": "#ffd166",
}


# --- offsets between the caller's text and the normalised text --------------------------------

class OffsetMap:
    """Maps character offsets in the normalised text onto the raw text it came from.

    >>> m = OffsetMap("Uỷ ban  nhân dân", "Ủy ban nhân dân")
    >>> m.to_raw(7, 15)
    (8, 16)
    >>> m.to_raw(0, 2)
    (0, 2)

    The alignment is a minimal character diff (rapidfuzz's Indel opcodes, bit-parallel C++:
    about 1 ms for a fully decomposed 3,000-character article, where difflib takes 250 ms).
    Neighbouring edits are merged into one rewritten stretch; a span that starts or ends inside
    one (a composed letter, a moved tone mark, a collapsed run of spaces) covers the whole
    stretch in the raw text.
    """

    __slots__ = ("_ends", "_starts", "identity", "raw_length")

    def __init__(self, raw: str, normalised: str) -> None:
        self.raw_length = len(raw)
        self.identity = raw == normalised
        self._starts: list[int] = []
        self._ends: list[int] = []
        if self.identity:
            return
        from rapidfuzz.distance import Indel

        n = len(normalised)
        starts = [len(raw)] * (n + 1)
        ends = [0] * (n + 1)
        for equal, i1, i2, j1, j2 in _merged_opcodes(Indel.opcodes(raw, normalised)):
            if equal:
                for k in range(j2 - j1):
                    starts[j1 + k] = i1 + k
                    ends[j1 + k + 1] = i1 + k + 1
            else:
                for j in range(j1, j2):
                    starts[j] = i1
                for j in range(j1 + 1, j2 + 1):
                    ends[j] = i2
        for j in range(1, n + 1):
            ends[j] = max(ends[j], ends[j - 1])
        self._starts, self._ends = starts, ends

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        if self.identity:
            return start, end
        last = len(self._starts) - 1
        raw_start = self._starts[min(start, last)]
        raw_end = self._ends[min(end, last)]
        return raw_start, max(raw_start, raw_end)


def _merged_opcodes(opcodes: Iterable[Opcode]) -> list[tuple[bool, int, int, int, int]]:
    """(equal, i1, i2, j1, j2) blocks where consecutive edits (delete + insert …) form one block."""
    blocks: list[tuple[bool, int, int, int, int]] = []
    for op in opcodes:
        equal = op.tag == "equal"
        if blocks and not equal and not blocks[-1][0]:
            _, i1, _, j1, _ = blocks[-1]
            blocks[-1] = (False, i1, op.src_end, j1, op.dest_end)
        else:
            blocks.append((equal, op.src_start, op.src_end, op.dest_start, op.dest_end))
    return blocks


# --- tokenizer ---------------------------------------------------------------------------------

def _normalize(text: str) -> str:
    from .text import normalize

    return normalize(text)


def _words(text: str) -> list[Token]:
    from .text import words

    return words(text)


def words_and_spaces(text: str, spans: Iterable[tuple[int, int]]) -> tuple[list[str], list[bool]]:
    """Turn word spans of ``text`` into spaCy's ``words`` and ``spaces``, covering every character.

    A single space after a word becomes its trailing space; other whitespace between words becomes
    a whitespace token, and any other character no word covered becomes a token of its own, so
    the doc spells ``text`` exactly.

    >>> words_and_spaces("Huyện ủy  Ba Bể.", [(0, 8), (10, 15)])
    (['Huyện ủy', ' ', 'Ba Bể', '.'], [True, False, False, False])
    """
    out_words: list[str] = []
    out_spaces: list[bool] = []
    pos = 0

    def gap(until: int) -> None:
        nonlocal pos
        while pos < until:
            if text[pos].isspace():
                stop = pos
                while stop < until and text[stop].isspace():
                    stop += 1
                run_start = pos
                if text[pos] == " " and out_words and not out_spaces[-1] and not out_words[-1].isspace():
                    out_spaces[-1] = True
                    run_start += 1
                if run_start < stop:
                    out_words.append(text[run_start:stop])
                    out_spaces.append(False)
            else:
                stop = pos
                while stop < until and not text[stop].isspace():
                    stop += 1
                out_words.append(text[pos:stop])
                out_spaces.append(False)
            pos = stop

    for start, end in spans:
        if start < pos or end <= start:
            continue  # overlapping or empty: the characters are covered by the gap filler
        gap(start)
        out_words.append(text[start:end])
        out_spaces.append(False)
        pos = end
    gap(len(text))
    return out_words, out_spaces


class UndertheseaTokenizer:
    """underthesea word segmentation as a spaCy tokenizer: one token per Vietnamese word.

    Multi-syllable words stay one token ("Thượng tá", "Nguyễn Quang Long"), as in spaCy's own
    Vietnamese tokenizer; nothing is downloaded (underthesea's model ships in its wheel).
    """

    def __init__(self, vocab: Vocab, *, normalize: bool = True) -> None:
        self.vocab = vocab
        self.normalize = normalize

    def __reduce__(self) -> tuple[Callable[[Vocab, bool], UndertheseaTokenizer], tuple[Vocab, bool]]:
        return (_rebuild_tokenizer, (self.vocab, self.normalize))

    def word_spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the words of ``text`` (raw offsets, in order, non-overlapping)."""
        if not text.strip():
            return []
        if not self.normalize:
            return [(w.start, w.end) for w in _words(text)]
        normalised = _normalize(text)
        offsets = OffsetMap(text, normalised)
        spans: list[tuple[int, int]] = []
        for w in _words(normalised):
            start, end = offsets.to_raw(w.start, w.end)
            if spans and start < spans[-1][1]:
                # Two words meet inside one rewritten stretch: they become one token.
                spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
            elif end > start:
                spans.append((start, end))
        return spans

    def __call__(self, text: str) -> Doc:
        words, spaces = words_and_spaces(text, self.word_spans(text))
        return Doc(self.vocab, words=words, spaces=spaces)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    # No state to save: the settings live in the nlp config.
    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> UndertheseaTokenizer:
        return self

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        return None

    def from_disk(self, path: str | Path, **kwargs: Any) -> UndertheseaTokenizer:
        return self


def _rebuild_tokenizer(vocab: Vocab, normalize: bool) -> UndertheseaTokenizer:
    return UndertheseaTokenizer(vocab, normalize=normalize)


# catalogue's registry decorators are not annotated; the function keeps its own signature
@registry.tokenizers(TOKENIZER_NAME)  # type: ignore[untyped-decorator]
def create_underthesea_tokenizer(normalize: bool = True) -> Callable[[Language], UndertheseaTokenizer]:
    """``[nlp.tokenizer] @tokenizers = "qpdp.underthesea_tokenizer.v1"``.

    ``normalize`` segments the normalised text and maps the words back (recommended); off, the
    raw text is segmented as it is.
    """

    def underthesea_tokenizer_factory(nlp: Language) -> UndertheseaTokenizer:
        return UndertheseaTokenizer(nlp.vocab, normalize=normalize)

    return underthesea_tokenizer_factory


# --- the component -----------------------------------------------------------------------------

def _register_extensions() -> None:
    # force=True: the module may be imported twice (entry point and a plain import).
    Span.set_extension("qpdp", getter=_span_fields, force=True)
    Span.set_extension("qpdp_kind", getter=_span_kind, force=True)
    Span.set_extension("qpdp_fact", getter=_span_fact, force=True)
    Span.set_extension("qpdp_type", getter=_span_type, force=True)
    Doc.set_extension("qpdp", default=None, force=True)
    Doc.set_extension("qpdp_record", getter=_doc_record, force=True)


# A span's fact is found through its span id, "kind#index" into doc._.qpdp[kind]. Span extension
# values cannot be stored per span: spaCy keys them by (start_char, end_char) only, so two facts
# over the same characters (a place and a unit, or two readings of one place) would share one.
def _span_ref(span: Span) -> tuple[str, int] | None:
    kind, sep, index = span.id_.partition("#")
    if not sep or kind not in KINDS or not index.isdigit():
        return None
    return kind, int(index)


def _span_kind(span: Span) -> str | None:
    """The fact kind of a span made by the component (``"persons"`` …), else None."""
    ref = _span_ref(span)
    return ref[0] if ref else None


def _span_fields(span: Span) -> dict[str, Any] | None:
    """The fact's fields as a dict (``rank``, ``name``, ``value``, ``indicator`` …)."""
    ref = _span_ref(span)
    record = span.doc._.qpdp
    if ref is None or record is None:
        return None
    kind, index = ref
    facts = record.get(kind) or []
    return facts[index] if index < len(facts) else None


def _span_type(span: Span) -> str | None:
    """What the fact is within its kind: a count's indicator, a unit's or place's type, a
    document's kind, a person's rank."""
    fields, kind = span._.qpdp, span._.qpdp_kind
    if fields is None:
        return None
    value = fields.get(_TYPE_FIELD.get(kind, ""))
    return str(value) if value else None


def _span_fact(span: Span) -> Fact | None:
    """The typed fact behind a span (``Person``, ``Count`` …)."""
    from .records import FACT_TYPES

    fields, kind = span._.qpdp, span._.qpdp_kind
    return None if fields is None else FACT_TYPES[kind].from_dict(fields)


def _doc_record(doc: Doc) -> ArticleRecord | None:
    """The :class:`ArticleRecord`, rebuilt from ``doc._.qpdp`` (a plain dict, so the doc still
    serialises with ``doc.to_bytes()``)."""
    from .records import ArticleRecord

    return None if doc._.qpdp is None else ArticleRecord.from_dict(doc._.qpdp)


def span_label(kind: str, fact: Fact | None = None) -> str:
    """The label of a fact of ``kind``: one per kind (:data:`LABELS`), whatever its subtype."""
    return LABELS.get(kind, kind.upper())


def set_record_spans(
    doc: Doc,
    record: ArticleRecord,
    *,
    kinds: Sequence[str] = KINDS,
    spans_prefix: str = "",
    alignment_mode: str = "expand",
    set_ents: bool = True,
) -> Doc:
    """Fill ``doc.spans[prefix + kind]`` from ``record`` and put the record on ``doc._.qpdp``;
    with ``set_ents``, also ``doc.ents`` (the facts that do not overlap, longest first, by
    spaCy's ``filter_spans``) and ``doc.spans[prefix + "sc"]`` (every fact).

    Facts point into ``record.text`` (normalised); they are mapped onto ``doc.text`` first. A fact
    that covers no token after mapping (it cannot happen for a fact with letters in it) is left
    out rather than given a wrong span.
    """
    from spacy.util import filter_spans

    offsets = OffsetMap(doc.text, record.text)
    every: list[Span] = []
    for kind in kinds:
        group = []
        for index, fact in enumerate(getattr(record, kind)):
            start, end = offsets.to_raw(fact.start, fact.end)
            snapped = doc.char_span(start, end, alignment_mode=alignment_mode)
            if snapped is None or len(snapped) == 0:
                continue
            label = span_label(kind, fact)
            group.append(Span(doc, snapped.start, snapped.end, label=label, span_id=f"{kind}#{index}"))
        doc.spans[spans_prefix + kind] = group
        every.extend(group)
    doc._.qpdp = record.to_dict()
    if set_ents:
        every.sort(key=lambda s: (s.start, -s.end))
        doc.spans[spans_prefix + ALL_SPANS_KEY] = every
        doc.ents = filter_spans(every)
    return doc


class QpdpComponent:
    """Runs qpdp_nlp's extraction on each doc and stores the facts as span groups.

    ``__call__`` only orchestrates: :meth:`extract` then :func:`set_record_spans`.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = FACTORY_NAME,
        *,
        kinds: Sequence[str] = KINDS,
        spans_prefix: str = "",
        alignment_mode: str = "expand",
        classify: bool = True,
        set_ents: bool = True,
    ) -> None:
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"qpdp component: unknown kinds {sorted(unknown)}; choose from {list(KINDS)}")
        self.name = name
        self.kinds = tuple(kinds)
        self.spans_prefix = spans_prefix
        self.alignment_mode = alignment_mode
        self.classify = classify
        self.set_ents = set_ents
        self._pipeline: Pipeline | None = None

    def __getstate__(self) -> dict[str, Any]:
        # The pipeline holds modules and models: rebuilt on first use after unpickling
        # (nlp.pipe(n_process=…) pickles the components).
        return {**self.__dict__, "_pipeline": None}

    @property
    def pipeline(self) -> Pipeline:
        # Built on first use: adding the pipe must stay cheap.
        if self._pipeline is None:
            from .pipeline import Pipeline, shared_pipeline

            self._pipeline = shared_pipeline() if self.classify else Pipeline(classify=False)
        return self._pipeline

    def extract(self, doc: Doc) -> ArticleRecord:
        meta = doc.user_data.get("qpdp_meta") or {}
        return self.pipeline(
            doc.text,
            source=meta.get("source"),
            title=meta.get("title"),
            url=meta.get("url"),
            published=meta.get("published"),
        )

    def __call__(self, doc: Doc) -> Doc:
        record = self.extract(doc)
        return set_record_spans(
            doc, record, kinds=self.kinds, spans_prefix=self.spans_prefix, alignment_mode=self.alignment_mode,
            set_ents=self.set_ents,
        )


@Language.factory(
    FACTORY_NAME,
    default_config={"kinds": list(KINDS), "spans_prefix": "", "alignment_mode": "expand", "classify": True,
                    "set_ents": True},
)
def make_qpdp_component(
    nlp: Language, name: str, kinds: list[str], spans_prefix: str, alignment_mode: str, classify: bool,
    set_ents: bool = True,
) -> QpdpComponent:
    """``nlp.add_pipe("qpdp")``: facts in ``doc.spans["persons"|"units"|"counts"|"documents"|"places"]``,
    each span's fields in ``span._.qpdp``, the record in ``doc._.qpdp_record``.

    ``set_ents`` (default) also fills ``doc.ents`` and ``doc.spans["sc"]``; turn it off to keep
    the entities of another component. Meta for the record (``source``, ``title``, ``url``,
    ``published``) may be put in ``doc.user_data["qpdp_meta"]`` before the component runs.
    """
    return QpdpComponent(
        nlp, name, kinds=kinds, spans_prefix=spans_prefix, alignment_mode=alignment_mode, classify=classify,
        set_ents=set_ents,
    )


_register_extensions()


# --- displaCy ----------------------------------------------------------------------------------

def blank(*, normalize: bool = True) -> Language:
    """A blank Vietnamese pipeline with the underthesea tokenizer (no components)."""
    import spacy

    return spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME, "normalize": normalize}}})


_blank_nlp: Language | None = None


def doc_from_record(record: ArticleRecord, *, kinds: Sequence[str] = KINDS) -> Doc:
    """A spaCy doc over ``record.text`` with the record's facts as span groups, without running
    the extractors again (for records read back from JSON Lines or a dataset)."""
    global _blank_nlp
    if _blank_nlp is None:
        _blank_nlp = blank()
    return set_record_spans(_blank_nlp.make_doc(record.text), record, kinds=kinds)


def label_colours(doc: Doc | None = None, *, kinds: Sequence[str] = KINDS, spans_prefix: str = "") -> dict[str, str]:
    """displaCy ``colors``: each kind's label in its colour (pass it as ``options={"colors": …}``
    to stock displaCy too)."""
    return {LABELS[kind]: KIND_COLOURS.get(kind, "#dddddd") for kind in kinds}


# displaCy's span view puts a space after every token ("28 - NQ / TW"). The view below marks each
# token's end with a private-use character saying whether the text has a space there, renders
# with templates that add no whitespace of their own, then puts back exactly the spaces written.
_WS, _NO_WS, _TOKEN_END = "\ue001", "\ue002", "\ue003"
_PLAIN_WS, _PLAIN_NO_WS = "\ue004", "\ue005"


def _compact_templates() -> dict[str, str]:
    from spacy.displacy.templates import TPL_SPAN, TPL_SPAN_SLICE, TPL_SPAN_START

    def squeeze(template: str) -> str:
        return "".join(line.strip() for line in template.strip().splitlines())

    return {"span": squeeze(TPL_SPAN) + _TOKEN_END, "slice": squeeze(TPL_SPAN_SLICE),
            "start": squeeze(TPL_SPAN_START)}


def span_view(doc: Doc, spans_key: str, colours: dict[str, str] | None = None) -> str:
    """displaCy's span view of ``doc.spans[spans_key]``, spaced as the text is written
    ("28-NQ/TW", "Bắc Kạn,"), where stock displaCy spaces out every token."""
    import re

    from spacy import displacy

    group = list(doc.spans.get(spans_key, []))
    covered: set[int] = set()
    for span in group:
        covered.update(range(span.start, span.end))
    tokens = []
    for token in doc:
        if not token.text.strip():
            tokens.append(token.text)
            continue
        in_span = token.i in covered
        mark = (_WS if token.whitespace_ else _NO_WS) if in_span else (_PLAIN_WS if token.whitespace_ else _PLAIN_NO_WS)
        tokens.append(token.text + mark)
    parsed = {
        "text": doc.text,
        "tokens": tokens,
        "spans": [{"start_token": s.start, "end_token": s.end, "label": s.label_, "kb_id": "", "kb_url": "#"}
                  for s in group],
        "title": None,
    }
    markup = displacy.render(parsed, style="span", manual=True, jupyter=False,
                             options={"colors": colours or {}, "template": _compact_templates()})
    markup = re.sub(f"([{_WS}{_NO_WS}])(.*?){_TOKEN_END}",
                    lambda m: m.group(2) + (" " if m.group(1) == _WS else ""), markup, flags=re.S)
    return markup.replace(_PLAIN_WS + " ", " ").replace(_PLAIN_NO_WS + " ", "")


def render(
    doc_or_record: Doc | ArticleRecord,
    *,
    style: str = "span",
    kinds: Sequence[str] = KINDS,
    spans_prefix: str = "",
    jupyter: bool = False,
) -> str | None:
    """displaCy HTML of the facts: ``style="span"`` draws one view per kind (spans may overlap:
    a person's span contains a unit's), spaced as the text is written (:func:`span_view`);
    ``style="ent"`` draws all kinds in one view, keeping the longest of overlapping spans
    (``doc.ents`` as the component sets it). Labels are :data:`LABELS`.

    With ``jupyter=True`` the HTML is displayed in the notebook and ``None`` returned.

    >>> html = render(doc)            # doctest: +SKIP
    >>> "Thượng tá" in html           # doctest: +SKIP
    True
    """
    from spacy import displacy
    from spacy.util import filter_spans

    from .records import ArticleRecord

    doc = doc_from_record(doc_or_record, kinds=kinds) if isinstance(doc_or_record, ArticleRecord) else doc_or_record
    colours = label_colours(doc, kinds=kinds, spans_prefix=spans_prefix)
    if style == "span":
        parts = []
        for kind in kinds:
            key = spans_prefix + kind
            if key not in doc.spans:
                continue
            body = span_view(doc, key, colours)
            parts.append(f"<h4>{html.escape(kind)} ({len(doc.spans[key])})</h4>\n{body}")
        markup = "\n".join(parts)
    elif style == "ent":
        every = [s for kind in kinds for s in doc.spans.get(spans_prefix + kind, [])]
        view = Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
        view.ents = [Span(view, s.start, s.end, label=s.label_) for s in filter_spans(every)]
        markup = displacy.render(view, style="ent", options={"colors": colours}, jupyter=False)
    else:
        raise ValueError(f"style must be 'span' or 'ent', not {style!r}")
    if jupyter:
        from IPython.display import HTML, display

        display(HTML(markup))  # type: ignore[no-untyped-call]  # IPython.display is not annotated
        return None
    return markup


__all__ = [
    "FACTORY_NAME",
    "KINDS",
    "LABELS",
    "TOKENIZER_NAME",
    "OffsetMap",
    "QpdpComponent",
    "UndertheseaTokenizer",
    "blank",
    "create_underthesea_tokenizer",
    "doc_from_record",
    "make_qpdp_component",
    "render",
    "set_record_spans",
    "span_view",
    "words_and_spaces",
]

