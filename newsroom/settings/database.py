"""The database: the primary, its streaming replicas, and how connections are kept.

- `DATABASE_URL` is the primary (alias "default"): every write, the admin, previews and
  everything outside a web request read from it.
- `DATABASE_REPLICA_URLS` (PostgreSQL only) adds read-only streaming replicas as the aliases
  "replica1", "replica2" … (`NEWSROOM_REPLICAS`). `newsroom.db_routing` sends readers' page
  reads there; docs/deploy.md says how to run them. In tests each replica mirrors the test
  database (TEST MIRROR), so the ordinary suite runs unchanged with replicas configured.
- Connections are kept between requests (`DATABASE_CONN_MAX_AGE`) and checked before reuse
  (CONN_HEALTH_CHECKS), or, with `DATABASE_POOL`, lent by a psycopg pool in each process; a
  server that comes back is used again without restarting the process either way.
- `DATABASE_PGBOUNCER` says the URLs are PgBouncer's, in transaction mode: no server-side
  cursors, and no pool of our own (PgBouncer is the pool).
"""

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from newsroom.env import env_bool, env_int, env_list, env_str
from newsroom.settings.base import VAR_DIR

_POSTGRESQL = "django.db.backends.postgresql"
# Seconds to wait for a connection to open when the URL does not say (`?connect_timeout=`): a
# server that does not answer costs a request this much before its reads go elsewhere.
_CONNECT_TIMEOUT = 5

_pgbouncer = env_bool("DATABASE_PGBOUNCER", False)
_pooled = env_bool("DATABASE_POOL", False)
if _pooled and _pgbouncer:
    raise ImproperlyConfigured(
        "DATABASE_POOL and DATABASE_PGBOUNCER are both on: PgBouncer already pools "
        "connections; turn DATABASE_POOL off."
    )
_pool = {
    "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1),
    "max_size": env_int("DATABASE_POOL_MAX_SIZE", 4),
    # How long a request waits for a connection of the pool (all lent, or the server down).
    "timeout": env_int("DATABASE_POOL_TIMEOUT", 5),
    # A pool whose server is down tries again after 1, 2, 4 … seconds; its own default gives
    # up a series after 5 minutes, so a server back after a long outage could wait that long
    # for the next try. Given up after 5 s, the next request that needs a connection starts a
    # new series at once.
    "reconnect_timeout": 5,
}
if _pooled and not 1 <= _pool["min_size"] <= _pool["max_size"]:
    raise ImproperlyConfigured(
        "DATABASE_POOL_MIN_SIZE must be 1 or more and at most DATABASE_POOL_MAX_SIZE; got "
        f"{_pool['min_size']} and {_pool['max_size']}."
    )


def _database(url, variable):
    """One DATABASES entry from `url`, with the connection handling above."""
    try:
        entry = dj_database_url.parse(
            url,
            conn_max_age=0 if _pooled else env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    except ValueError as error:
        # The message names the scheme, never the address (which may hold a password).
        raise ImproperlyConfigured(f"{variable}: {error}") from None
    if entry["ENGINE"] != _POSTGRESQL:
        return entry
    entry.setdefault("OPTIONS", {}).setdefault("connect_timeout", _CONNECT_TIMEOUT)
    if _pooled:
        entry["OPTIONS"]["pool"] = dict(_pool)
    if _pgbouncer:
        # A transaction-mode PgBouncer may hand each transaction another server connection:
        # a named cursor would outlive its transaction there. (Django leaves prepared
        # statements off already, which PgBouncer 1.21+ would otherwise need told.)
        entry["DISABLE_SERVER_SIDE_CURSORS"] = True
    return entry


DATABASES = {
    "default": _database(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'newsroom.sqlite3'}"), "DATABASE_URL"
    )
}
NEWSROOM_REPLICAS = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    _alias = f"replica{_number}"
    DATABASES[_alias] = _database(_url, "DATABASE_REPLICA_URLS")
    if {DATABASES["default"]["ENGINE"], DATABASES[_alias]["ENGINE"]} != {_POSTGRESQL}:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URLS are PostgreSQL streaming replicas of a PostgreSQL "
            f"DATABASE_URL; replica {_number} or the primary is not PostgreSQL."
        )
    # Tests make no database of their own on a replica: it reads the test database.
    DATABASES[_alias]["TEST"] = {"MIRROR": "default"}
    NEWSROOM_REPLICAS.append(_alias)

DATABASE_ROUTERS = ["newsroom.db_routing.PrimaryReplicaRouter"]
# For this long after a signed-in editor's request that may have written, their reads come
# from the primary, so they see their own change whatever the replicas' lag (newsroom.db_routing).
NEWSROOM_READ_YOUR_WRITES_SECONDS = env_int("DATABASE_READ_YOUR_WRITES_SECONDS", 10)
# After a change commits, its cached pages and fragments are dropped once the replicas have
# applied it, waiting at most this long (0: at once); see newsroom.db_routing.wait_for_replicas.
NEWSROOM_REPLICA_WAIT_SECONDS = env_int("DATABASE_REPLICA_WAIT_SECONDS", 5)
