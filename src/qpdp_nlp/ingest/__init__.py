"""Ingestion: readers for every input format (:mod:`.sources`), near-duplicate marking
(:mod:`.dedup`), the manifest of what is done (:mod:`.manifest`) and batch runs (:mod:`.batch`)."""
