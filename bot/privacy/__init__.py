"""Patient text kept safe: identifiers masked before storage, no text in logs, private files,
retention, erasure and export of one conversation (docs/privacy.md)."""
