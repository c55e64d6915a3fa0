"""One id per document (``doc_id``), across the forms an article writes it in.

A reference takes the id of the entry of ``data/known_documents.tsv`` it fits (number, symbol,
year, issuer, term, plenum, law name and title must not contradict it, and it must be the only
such entry), else an id built the same way from what it says. Within an article, a short form
("Nghị quyết 28") takes the id of a fuller compatible mention of the same document.
"""

from __future__ import annotations

from functools import cache

from .document_tables import (
    KnownDocument,
    Ref,
    canonical_issuer,
    fold_symbol,
    issuer_head_pattern,
    known_documents,
    slug,
    titles_agree,
    titles_clash,
)

# --- doc_id ------------------------------------------------------------------------------------


def _own_id(ref: Ref) -> str | None:
    kind = slug(ref.kind.name)
    if ref.number:
        parts = [kind, ref.number.lstrip("0") or "0"]
        if ref.year:
            parts.append(str(ref.year))
        if ref.symbol:
            parts.append(fold_symbol(ref.symbol))
        return "/".join(parts)
    if ref.name:
        return "/".join([kind, slug(ref.name)] + ([str(ref.year)] if ref.year else []))
    if ref.plenum:
        return "/".join([kind, f"tw{ref.plenum}"] + ([ref.term] if ref.term else []))
    if ref.rule == "congress":
        return f"{kind}/dai-hoi/{ref.term}"
    if ref.date:
        # the body in full, its abbreviation spelled out: "UBND tỉnh Cao Bằng" and "Ủy ban nhân
        # dân tỉnh Cao Bằng" give one id, other provinces another
        issuer = ref.issuer
        m = issuer_head_pattern().match(issuer) if issuer else None
        canonical = canonical_issuer(issuer)
        if m and issuer and canonical:
            issuer = canonical + issuer[m.end():]
        return "/".join([kind, ref.date] + ([slug(issuer)] if issuer else []))
    if ref.title:
        return f"{kind}/{slug(ref.title)[:80]}"
    return None


def _written_issuer(ref: Ref) -> str | None:
    return None if ref.issuer_from_symbol else canonical_issuer(ref.issuer)


def _fits(ref: Ref, known: KnownDocument) -> bool:
    if known.kind != ref.kind.name:
        return False
    if ref.number and (ref.number.lstrip("0") or "0") != (known.number.lstrip("0") or "0"):
        return False
    if ref.symbol and fold_symbol(ref.symbol).casefold() != fold_symbol(known.symbol).casefold():
        return False
    if ref.year and known.year and ref.year != known.year:
        return False
    if ref.date and known.date and ref.date != known.date:
        return False
    if ref.term and known.term and ref.term != known.term:
        return False
    if ref.plenum and known.plenum != ref.plenum:
        return False
    if ref.name and (not known.name or ref.name.casefold() != known.name.casefold()):
        return False
    if not (ref.number or ref.name or ref.plenum or ref.title or ref.date):
        return False
    # A bare number is not enough: "Nghị định 168" is issued every year, "Nghị quyết 28" in
    # every Party term. Something else must say which one is meant.
    if ref.number and not (ref.symbol or ref.year or ref.date or ref.term or ref.title or ref.plenum
                           or _written_issuer(ref)):
        return False
    issuer = _written_issuer(ref)
    if issuer and canonical_issuer(known.issuer) not in (None, issuer):
        return False
    if ref.title and known.title and titles_clash(ref.title, known.title):
        return False
    if ref.number or ref.name or ref.plenum:
        return True
    # Unnumbered: the date must be the known one's, or the title must agree with its title.
    if ref.date:
        return ref.date == known.date
    return bool(known.title and ref.title and titles_agree(ref.title, known.title))


@cache
def _known_by_kind() -> dict[str, tuple[KnownDocument, ...]]:
    out: dict[str, list[KnownDocument]] = {}
    for k in known_documents():
        out.setdefault(k.kind, []).append(k)
    return {kind: tuple(v) for kind, v in out.items()}


@cache
def _known_by_id() -> dict[str, KnownDocument]:
    return {k.doc_id: k for k in known_documents()}


def resolve(ref: Ref) -> KnownDocument | None:
    """The known document a reference fits, when exactly one does."""
    fits = [k for k in _known_by_kind().get(ref.kind.name, ()) if _fits(ref, k)]
    return fits[0] if len(fits) == 1 else None


def _trim_title(text: str, ref: Ref, known: KnownDocument | None) -> None:
    """An unquoted title runs on into the sentence ("về Chiến lược … mới, xây dựng kế hoạch
    …"); where it starts with the title of the known document it names, or else of any known
    document of its kind, it ends there."""
    if ref.title is None or ref.title_quoted or ref.title_start is None:
        return
    candidates = [known] if known is not None else _known_by_kind().get(ref.kind.name, ())
    folded = ref.title.casefold()
    for k in candidates:
        n = len(k.title)
        if k.title and len(folded) > n and folded.startswith(k.title.casefold()) and not folded[n].isalnum():
            ref.title = text[ref.title_start:ref.title_start + n]
            ref.end = ref.title_start + n
            return


def _compatible(a: Ref, b: Ref) -> bool:
    if a.kind is not b.kind:
        return False
    if a.number or b.number:
        # An unnumbered mention may be the numbered one with the same title or date.
        if (a.number or "").lstrip("0") != (b.number or "").lstrip("0") and not (
            not (a.number and b.number)
            and ((a.title and b.title and titles_agree(a.title, b.title)) or (a.date and a.date == b.date))
        ):
            return False
    elif a.name or b.name:
        if (a.name or "").casefold() != (b.name or "").casefold():
            return False
    elif a.plenum or b.plenum:
        if a.plenum and b.plenum and a.plenum != b.plenum:
            return False
        if not (a.title and b.title and titles_agree(a.title, b.title)) and not (a.plenum and b.plenum):
            return False
    elif not ((a.title and b.title and titles_agree(a.title, b.title)) or (a.date and a.date == b.date)):
        return False
    for field in ("year", "date", "term"):
        x, y = getattr(a, field), getattr(b, field)
        if x and y and x != y:
            return False
    if a.symbol and b.symbol and fold_symbol(a.symbol).casefold() != fold_symbol(b.symbol).casefold():
        return False
    ia, ib = _written_issuer(a), _written_issuer(b)
    if ia and ib and ia != ib:
        return False
    return not (a.title and b.title and titles_clash(a.title, b.title))


def _specificity(ref: Ref) -> int:
    return sum(bool(getattr(ref, f)) for f in ("number", "symbol", "year", "date", "issuer", "term", "title", "plenum"))


_LINK_LIMIT = 64


def _link(refs: list[Ref], ids: list[str | None], known: list[bool]) -> list[str | None]:
    """Short forms take the id of the fuller compatible mentions of the same document."""
    out = list(ids)
    by_kind: dict[str, list[int]] = {}
    for i, ref in enumerate(refs):
        by_kind.setdefault(ref.kind.name, []).append(i)
    for i, ref in enumerate(refs):
        if known[i]:
            continue
        same_kind = by_kind[ref.kind.name]
        if len(same_kind) > _LINK_LIMIT:
            continue  # no article cites one kind this often; a pathological input is left unlinked
        mates = [j for j in same_kind if j != i and _compatible(ref, refs[j])]
        known_ids = {ids[j] for j in mates if known[j]}
        if len(known_ids) == 1:
            out[i] = known_ids.pop()
            continue
        if known_ids:
            continue
        fuller = [j for j in mates if _specificity(refs[j]) > _specificity(ref)]
        if fuller:
            best = max(fuller, key=lambda j: _specificity(refs[j]))
            rivals = {ids[j] for j in fuller if _specificity(refs[j]) == _specificity(refs[best])}
            if len(rivals) == 1:
                out[i] = ids[best]
    return out


def assign_ids(text: str, refs: list[Ref]) -> list[str | None]:
    """The ``doc_id`` of each reference of one article, in order; unquoted titles that run on
    past a known document's title are trimmed to it (in place)."""
    resolved = [resolve(r) for r in refs]
    ids = _link(refs, [k.doc_id if k else _own_id(r) for k, r in zip(resolved, refs)],
                [k is not None for k in resolved])
    by_id = _known_by_id()
    for ref, doc_id in zip(refs, ids):
        _trim_title(text, ref, by_id.get(doc_id) if doc_id else None)
    return ids
