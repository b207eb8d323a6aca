"""The article interchange format (JSON Lines): a reader of the import engine, and export.

The format is documented in docs/interchange-format.md. `import_articles` runs on the same
engine as the WordPress and feed importers (`importers.command`, `importers.run`) and writes
with the same batch writer (`importers.write`): each line is one item of the run, validated
whole before anything is written, then written in a batch with its authors, topics, related
links and pictures; a failed batch is replayed line by line, so a bad line leaves nothing
behind and costs only itself. Articles are matched on their source identity (`source.system` +
`source.id`); an unchanged line is recognised by its digest without being read, else by its
fingerprint, and left alone.

- `lines`: `LineImporter`, a whole file: decoding, duplicate sources, digests, batches.
- `reading`: `parse_line`, validating one decoded line (`LineError` names what is wrong).
- `images`: `ImageStore`, the picture files lines name, checked by the media library and
  stored once per run (none in a dry run; a failed line's removed).
- `writing`: `LineWriter`, the shared `ArticleWriter` told what lines bring; related links
  resolved last.
- `profiles`: the authors lines name, kept up to date until an editor changes them.
- `export`: articles back out as lines (`export_articles`).
"""
