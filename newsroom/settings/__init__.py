"""Newsroom's settings, one module per seam. Every per-host value comes from the environment (or
from a local .env file beside manage.py, for what the environment leaves unset).

docs/configuration.md lists every variable read here, with its default and an example;
tests/test_configuration_doc.py keeps the two in step. Each module takes what it needs from
`base` and from no other, so the order below is only the order to read them in:

- base: where the checkout is, the .env file, secrets, hosts, apps, middleware, cache;
- database: the primary, its read replicas, connection pooling or PgBouncer;
- storage: static files, media (local disk or S3-compatible storage), readers' submissions;
- security: HTTPS, cookies, the admin's address, CSP and Permissions-Policy, login throttling;
- tasks: background work (Celery);
- edge: the edge caches that purges go to (Varnish, Fastly, Cloudflare);
- site: what the site's features take (imports, adverts, previews, caching, submissions, mail);
- operations: /metrics and logging.
"""

from newsroom.settings.base import *  # noqa: F403
from newsroom.settings.database import *  # noqa: F403
from newsroom.settings.edge import *  # noqa: F403
from newsroom.settings.operations import *  # noqa: F403
from newsroom.settings.security import *  # noqa: F403
from newsroom.settings.site import *  # noqa: F403
from newsroom.settings.storage import *  # noqa: F403
from newsroom.settings.tasks import *  # noqa: F403
