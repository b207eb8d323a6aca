"""Importing and exporting articles: one import engine and the readers of each source format.

Readers (a source file into records):
- `interchange/`: Newsroom's own JSON Lines format, read and written (`import_articles`,
  `export_articles`); see docs/interchange-format.md. It has its own line writer (a line
  carries whole articles with their pictures) but runs on the engine below.
- `wordpress` (with `wp_fields`, `wp_body`, `wp_autop`): a WordPress WXR export; `wxr_scan`:
  the one pass that checks a WXR file and maps its items, and the part files of a split one.
- `feeds/`: RSS 2.0 (and 0.9x, 1.0), Atom 1.0 and JSON Feed.
- `records`: what a reader yields, in Newsroom's terms (the contract between readers and the
  writer).

The engine (records into the database):
- `run`: what every importer shares: per-item transactions written in batches, dry runs,
  strict runs, progress, the summary and the redirect map; `command`: the commands' shared
  options; `history`: the one rule for the revisions an import keeps.
- `prepare` and `write`: entries checked and turned into article fields, then written in
  batches; `names`: authors and topics; `pages`: WordPress pages as flat pages;
  `media`: pictures into the library; `slugs`: source keys and old paths; `copying`: rows by
  COPY on PostgreSQL; `digests`: the source bytes each article came from, so a re-run skips
  what has not changed.
- `download` and `url_vetting`: the one way an importer fetches anything from the network.
- `feed_import`: a feed's way in (fetch an address, read the bytes into the writer), shared by
  `import_feed` and the subscriptions.

Feed subscriptions (`subscriptions/`): partners' feeds an editor adds in the admin, polled on a
schedule through `feed_import`, conditionally, with backoff after failures.
"""
