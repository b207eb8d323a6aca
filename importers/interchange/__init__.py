"""The article interchange format (JSON Lines): reading a line into the database, and back.

The format is documented in docs/interchange-format.md. A line is validated whole before
anything is written, then the article, its authors, topics, related links and images are
written in one transaction, so a bad line leaves nothing behind. Articles are matched on their
source identity (`source.system` + `source.id`); an unchanged line is recognised by its
fingerprint and left alone.

- `lines`: `import_lines`, a whole file: decoding, duplicate sources, the result counts.
- `reading`: `parse_line`, validating one decoded line (`LineError` names what is wrong).
- `images`: `ImageStore`, the image files lines name, cleaned and stored once per run.
- `writing`: `write_line`, one parsed line into the database, and related links resolved last.
- `export`: articles back out as lines (`export_articles`).
"""
