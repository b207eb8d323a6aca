"""Importers that bring archives in from other systems: WordPress exports and news feeds.

- `records`: what a reader of a source file yields, in Newsroom's terms (the contract between
  the readers and the writer).
- `wordpress`: reads a WordPress WXR export; `feeds`: reads RSS 2.0, Atom 1.0 and JSON Feed.
- `download`: the one way an importer fetches anything from the network.
- `run`: what every importer shares: per-item transactions written in batches, dry runs,
  strict runs, progress, the summary and the redirect map.
"""
