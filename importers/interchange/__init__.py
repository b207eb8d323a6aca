"""The article interchange format (JSON Lines): a reader of the import engine, and export.

The format is documented in docs/interchange-format.md. `import_articles` runs on the same
engine as the WordPress and feed importers (`importers.command`, `importers.run`): each line is
one item of the run, validated whole before anything is written, then written with its
authors, topics, related links and pictures in the item's own transaction, so a bad line
leaves nothing behind. Articles are matched on their source identity (`source.system` +
`source.id`); an unchanged line is recognised by its fingerprint and left alone.

- `lines`: `LineImporter`, a whole file: decoding, duplicate sources, one run item per line.
- `reading`: `parse_line`, validating one decoded line (`LineError` names what is wrong).
- `images`: `ImageStore`, the picture files lines name, checked by the media library and
  stored once per run (none in a dry run; a failed line's removed).
- `writing`: `LineWriter`, one parsed line into the database, and related links resolved last.
- `profiles`: the authors lines name, kept up to date until an editor changes them.
- `export`: articles back out as lines (`export_articles`).
"""
