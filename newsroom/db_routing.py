"""Which database a query goes to: the primary, or one of its streaming replicas.

With replicas configured (`DATABASE_REPLICA_URLS`, the aliases in `NEWSROOM_REPLICAS`), each web
request gets a route from `DatabaseRouteMiddleware`, and `PrimaryReplicaRouter` follows it:

- **Readers' reads** (a GET or HEAD outside the admin, to a view not marked
  `reads_from_primary`) go to one replica, drawn per request from those that answer, so one
  page reads one consistent snapshot. With no replica answering, they go to the primary.
- **A signed-in editor's reads**, for `NEWSROOM_READ_YOUR_WRITES_SECONDS` after a request of
  theirs that may have written (any POST, PUT, PATCH or DELETE: a save, a sign-in), go to the
  primary, so the page they open next shows their own change, whatever the replicas' lag. A
  signed cookie says so: reading the session to find out would itself be a read. While the
  primary is down they read a replica rather than nothing.
- **Everything else uses the primary only**: every write, the admin, previews and the views
  marked `reads_from_primary`, reads inside a transaction, and all work outside a web request
  (commands, tasks, even a task run in-process after a reader's request).

An anonymous reader's page needs no primary at all: no session row is read without a session
cookie, and the sessions and accounts of signed-in readers are read from the replica like the
rest. So the public site keeps answering while the primary is down (the admin answers 503,
"Saving is paused": newsroom.faults).

**A database that fails.** Before a request's first read from a database, its connection is
opened or checked (`answers`); one that does not answer is marked down in this process for
`DOWN_SECONDS` and the next candidate is used. After that it is knocked on (one plain
connection, opened and closed) and, if it answers, used again: a server that comes back needs no
restart of the web process. A database that fails in the middle of a request (between its
check and a later query) makes that request a 503, "Back in a moment" (newsroom.faults); the
next request finds it down and reads elsewhere. Requests are not answered twice.
"""

import logging
import random
import time
from contextvars import ContextVar

from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from newsroom.faults import DATABASE_UNAVAILABLE
from newsroom.security import admin_prefix

logger = logging.getLogger(__name__)

PRIMARY = DEFAULT_DB_ALIAS
# How long a database that failed is left alone by this process before it is tried again.
DOWN_SECONDS = 5
SAFE_METHODS = frozenset({"GET", "HEAD"})
COOKIE = "newsroom_fresh_reads"
_SALT = "newsroom.db_routing.read-your-writes"

_down_until = {}
_route = ContextVar("database_route", default=None)


def replicas():
    """The replicas' aliases, in settings order ([] without replicas)."""
    return list(settings.NEWSROOM_REPLICAS)


# Which databases answer ---------------------------------------------------------------------


def is_down(alias):
    """Whether `alias` failed less than DOWN_SECONDS ago in this process."""
    return time.monotonic() < _down_until.get(alias, 0.0)


def mark_down(alias, error):
    """Leave `alias` alone for DOWN_SECONDS; said once per outage, as one warning line."""
    if not is_down(alias):
        first_line = next(iter(str(error).strip().splitlines()), "")[:200]
        logger.warning(
            "Database %s unreachable (%s: %s); its reads go elsewhere for %d s.",
            label(alias),
            type(error).__name__,
            first_line,
            DOWN_SECONDS,
        )
    _down_until[alias] = time.monotonic() + DOWN_SECONDS


def answers(alias):
    """Whether `alias` can take a query now: its connection is open and healthy, or opens.

    Costs nothing for a connection already checked in this request; one `SELECT 1` for a kept
    connection's first use in a request (Django's own health check, done here a moment
    early); a connection attempt otherwise (from the pool, with DATABASE_POOL)."""
    if is_down(alias):
        return False
    connection = connections[alias]
    try:
        if alias in _down_until:
            _knock(connection)
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DATABASE_UNAVAILABLE as error:
        mark_down(alias, error)
        return False
    _answers_again(alias)
    return True


def _answers_again(alias):
    if _down_until.pop(alias, None) is not None:
        logger.warning("Database %s answers again; its reads go to it.", label(alias))


def label(alias):
    """How operators call a database: "primary", "replica1" …"""
    return "primary" if alias == PRIMARY else alias


def _knock(connection):
    """Open and close one plain connection to a database that was down: a refused or timed-out
    attempt costs at most its connect_timeout, where a pool would wait its whole timeout."""
    with connection.wrap_database_errors:
        connection.Database.connect(**connection.get_connection_params()).close()


# Routes ----------------------------------------------------------------------------------


class Route:
    """Where one request's reads go: `PRIMARY_ONLY`, `FRESH` (primary first) or `REPLICA`
    (replicas first); the database chosen is kept for the rest of the request."""

    PRIMARY_ONLY = "primary"
    FRESH = "fresh"
    REPLICA = "replica"

    def __init__(self, kind):
        self.kind = kind
        self.alias = None

    def __repr__(self):
        return f"<Route {self.kind} {self.alias or '-'}>"

    def candidates(self):
        """The databases to try, in order: the replicas shuffled (spreading the load), the
        primary first or last."""
        spread = random.sample(replicas(), k=len(replicas()))
        return [PRIMARY, *spread] if self.kind == self.FRESH else [*spread, PRIMARY]

    def read_alias(self):
        """The database for this request's next read (None: the primary, nothing chosen)."""
        if self.kind == self.PRIMARY_ONLY:
            return None
        if self.alias is not None and not is_down(self.alias):
            return self.alias
        order = self.candidates()
        self.alias = next((alias for alias in order if answers(alias)), None)
        # None answers: the first choice, whose error makes the page's 503.
        return self.alias or order[0]


def route_for(request):
    """The route of `request` (see the module's docstring)."""
    prefix = admin_prefix()
    if request.method not in SAFE_METHODS or (prefix and request.path_info.startswith(prefix)):
        return Route(Route.PRIMARY_ONLY)
    if wrote_recently(request):
        return Route(Route.FRESH)
    return Route(Route.REPLICA)


def current_route():
    """The route of the request being served; None outside a request (the primary)."""
    return _route.get()


def reads_from_primary(view):
    """Mark a view whose reads must see the latest writes (previews, staff-only views)."""
    view.reads_from_primary = True
    return view


# Read your own writes ----------------------------------------------------------------------


def wrote_recently(request):
    """Whether the request carries a valid, unexpired read-your-writes cookie."""
    return (
        request.get_signed_cookie(
            COOKIE,
            default=None,
            salt=_SALT,
            max_age=settings.NEWSROOM_READ_YOUR_WRITES_SECONDS,
        )
        is not None
    )


def remember_writer(request, response):
    """After a signed-in person's request that may have written, their reads come from the
    primary for NEWSROOM_READ_YOUR_WRITES_SECONDS."""
    if request.method in SAFE_METHODS or response.status_code >= 500:
        return
    user = getattr(request, "user", None)
    try:
        signed_in = user is not None and user.is_authenticated
    except DATABASE_UNAVAILABLE:  # the session could not be read: nothing was written either
        return
    if signed_in:
        # Their session was just read from the primary: it answers again, if it was down.
        _answers_again(PRIMARY)
        response.set_signed_cookie(
            COOKIE,
            "1",
            salt=_SALT,
            max_age=settings.NEWSROOM_READ_YOUR_WRITES_SECONDS,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


# The router and the middleware ---------------------------------------------------------------


class PrimaryReplicaRouter:
    """Django's database router: reads follow the request's route; writes go to the primary;
    migrations run on the primary only (the replicas copy them)."""

    def db_for_read(self, model, **hints):
        route = _route.get()
        if route is None or connections[PRIMARY].in_atomic_block:
            # Django's own choice: the instance's database, else the primary.
            return None
        return route.read_alias()

    def db_for_write(self, model, **hints):
        # Never the database an instance was read from: replicas are read-only.
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        ours = {PRIMARY, *replicas()}
        if obj1._state.db in ours and obj2._state.db in ours:
            return True  # the same rows, whichever copy they were read from
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db in replicas() else None


class DatabaseRouteMiddleware:
    """Give each request its route (see the module's docstring) for as long as it is served.

    Place it above every middleware that reads the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replicas():
            return self.get_response(request)
        token = _route.set(route_for(request))
        try:
            response = self.get_response(request)
        finally:
            _route.reset(token)
        remember_writer(request, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        route = _route.get()
        if route is not None and getattr(view_func, "reads_from_primary", False):
            route.kind = Route.PRIMARY_ONLY
        return None


# Caches and replicas ---------------------------------------------------------------------


def wait_for_replicas(timeout=None):
    """Wait until every replica that answers has replayed all the primary has written so far,
    for at most `timeout` seconds (NEWSROOM_REPLICA_WAIT_SECONDS); returns those still behind.

    Called after a change commits, before the caches holding the old version are dropped
    (newsroom.purging: the origin's fragments; edge.purge: the edge caches). Dropped earlier, a
    reader's request could rebuild them from a replica that has not applied the change yet, and
    the old version would be kept afresh for the caches' whole lifetime (FRAGMENT_SECONDS,
    CACHE_S_MAXAGE) instead of for the replicas' lag. One query to the primary and one to each
    replica when they have caught up; nothing at all without replicas.
    """
    waiting = [alias for alias in replicas() if not is_down(alias)]
    if timeout is None:
        timeout = settings.NEWSROOM_REPLICA_WAIT_SECONDS
    if not waiting or timeout <= 0:
        return []
    try:
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
            target = cursor.fetchone()[0]
    except DATABASE_UNAVAILABLE:
        return waiting
    deadline = time.monotonic() + timeout
    while True:
        waiting = [alias for alias in waiting if not _replayed(alias, target)]
        if not waiting or time.monotonic() >= deadline:
            break
        time.sleep(0.02)
    if waiting:
        logger.warning(
            "%s still behind the primary after %s s: pages read from it may show the "
            "previous version until their caches expire.",
            ", ".join(waiting),
            timeout,
        )
    return waiting


def _replayed(alias, target):
    """Whether `alias` has replayed the primary's WAL up to `target` (a promoted replica, no
    longer replaying, has; so has one that is down: it serves nobody)."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, true)", [target]
            )
            return cursor.fetchone()[0]
    except DATABASE_UNAVAILABLE as error:
        mark_down(alias, error)
        return True


# Tasks -------------------------------------------------------------------------------------

# The route to put back when each running task ends, by task id: a stack, as for request ids.
_task_tokens = {}


def _task_started(task_id=None, **kwargs):
    _task_tokens.setdefault(task_id, []).append(_route.set(None))


def _task_ended(task_id=None, **kwargs):
    tokens = _task_tokens.get(task_id)
    if not tokens:
        return
    try:
        _route.reset(tokens.pop())
    except ValueError:  # set in another context: start clean
        _route.set(None)
    if not tokens:
        del _task_tokens[task_id]


def tasks_read_from_primary():
    """A task reads from the primary, even when it runs in-process after a reader's request
    (no broker): it acts on what was just written. Connected once, by the shell's ready()."""
    task_prerun.connect(_task_started, weak=False, dispatch_uid="newsroom.db_routing.started")
    task_postrun.connect(_task_ended, weak=False, dispatch_uid="newsroom.db_routing.ended")
