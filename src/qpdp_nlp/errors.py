"""All user-facing messages in one place, each with a stable code and a hint on what to do.

Messages are one line: ``<source>: <reason>``. Codes never change meaning; new ones are added.
"""

from __future__ import annotations


class Errors:
    E001 = "empty input (no text after normalisation)"
    E002 = "binary file, not text ({detail}); give a .txt/.md/.html/.jsonl/.csv/.warc file"
    E003 = "not UTF-8 text ({detail}); re-save it as UTF-8"
    E004 = "cannot read: {detail}"
    E005 = "no such file or folder"
    E006 = "input too large ({size} characters > --max-chars {limit})"
    E007 = "unsupported file type '{suffix}'; supported: {supported}"
    E008 = "malformed {what}: {detail}"
    E010 = "extraction failed: {detail}"
    E012 = ("no '{field}' field in the first {n} {what}(s) of {source} (keys found: {keys}); "
            "set --text-field to the key that holds the article text{hint}, and --title-field, "
            "--date-field, --id-field, --url-field likewise")
    E011 = "shipped model {name} is missing from the installed package; run `qpdp train` (make model) or reinstall"
    E020 = "gold folder has no ID.txt/ID.json pairs: {path}"
    E021 = "gold file {name} is not valid JSON: {detail}"


class QpdpError(Exception):
    """Base of every error the package raises on purpose."""


class ModelMissing(QpdpError):
    """A model file the pipeline needs is not installed: output would silently get worse."""

    def __init__(self, name: str):
        self.code = "E011"
        super().__init__(Errors.E011.format(name=name))


class InputError(QpdpError):
    """One input could not be turned into an article; the batch goes on with the rest."""

    def __init__(self, source: str, code: str, **detail: object):
        self.source = source
        self.code = code
        self.reason = getattr(Errors, code).format(**detail)
        super().__init__(f"{source}: {self.reason}")


# Keys that usually hold an article's text, for the hint of E012 (the first found is suggested).
_TEXT_KEY_HINTS = ("body", "content", "text", "article", "noi_dung", "noidung", "message", "description")


class FieldMappingError(QpdpError):
    """The field options do not fit a JSON/CSV/Parquet source: none of its first records has the
    text field. A usage error (exit 2), raised once for the source instead of one error per record."""

    exit_code = 2

    def __init__(self, source: str, what: str, field: str, keys: list[str], seen: int = 1):
        from .ingest.names import shown

        self.code = "E012"
        self.source, self.field, self.keys = source, field, keys
        guess = next((k for hint in _TEXT_KEY_HINTS for k in keys if hint in k.lower()), None)
        hint = f" (e.g. --text-field {guess})" if guess else ""
        super().__init__(Errors.E012.format(field=field, n=seen, what=what, source=shown(source),
                                            keys=", ".join(shown(k) for k in keys) or "none", hint=hint))
