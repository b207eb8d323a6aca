"""The edge caches in front of the site (Varnish nodes, Fastly, Cloudflare), and the task that
tells them which pages to drop.

An app of its own because purging is one concern every content app has and none should own:
`edge` sits just above `jobs` (its task is declared with `jobs.tasks.job`) and below
`library`, so any content app may queue `edge.purge` through the outbox. It holds no models:
what failed is recorded by the jobs app. See docs/edge.md.
"""
