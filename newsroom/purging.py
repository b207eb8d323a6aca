"""`purge(keys)`: a change names the surrogate keys it touches, once, in its transaction.

What it does with them:

- the edge (Varnish, a CDN) is told to drop every response naming one of them: the task
  `edge.purge(keys)` is queued through the outbox (jobs.outbox.enqueue) in the caller's
  transaction, so it is sent after the commit, retried until the edge acknowledges, and lost
  neither when the edge nor when the broker is down. The shell cannot import the outbox (it is
  the jobs app's, a layer above); `JobsConfig.ready` hands the queueing function over
  (`set_queue`);
- the origin's cached fragments naming them are retired after the commit (newsroom.fragments),
  once the read replicas, if any, have applied it (newsroom.db_routing.wait_for_replicas).

Within one transaction every purge joins one outbox message: the keys of an article's save,
its byline rows and topic rows make one `edge.purge` (the message is written at the first
purge and its keys extended by the next). `batch()` goes further for a run of many
transactions (an import): the edge purge is queued once, when the run ends.
"""

import contextvars
import logging
from contextlib import contextmanager

from django.db import transaction

from newsroom import db_routing, fragments

logger = logging.getLogger(__name__)

_queue = None
_batch = contextvars.ContextVar("purge_batch", default=None)


def set_queue(queue):
    """Say how an edge purge is queued: `queue(keys, message=None)` queues `keys` (a sorted
    list) and returns its message, or, given the message queued earlier in this transaction,
    makes it purge `keys` instead (the keys so far and more). Called by `JobsConfig.ready`."""
    global _queue
    _queue = queue


class _Pending:
    """The keys purged so far in one transaction, and their queued message. Registered with
    on_commit as a marker (calling it does nothing): while it is registered, the transaction
    it was made in is open and its message written."""

    def __init__(self, message, keys, savepoints):
        self.keys = set(keys)
        self.message = message
        # Where the message was last written: a write made inside a savepoint since rolled
        # back is undone, so the next purge writes it again.
        self.written_in = savepoints

    def __call__(self):
        pass


def purge(keys):
    """Purge `keys` (an iterable of surrogate keys) at the edge and in the origin's fragments,
    once the current transaction commits (at once outside one)."""
    keys = set(keys)
    if not keys:
        return
    # Each purge retires its fragments after the commit (at once outside a transaction).
    transaction.on_commit(lambda: _retire(keys))
    outer = _batch.get()
    if outer is not None:
        outer.update(keys)
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _send(keys)
        return
    pending = _pending(connection)
    savepoints = tuple(connection.savepoint_ids)
    if pending is None:
        pending = _Pending(_send(keys), keys, savepoints)
        connection.newsroom_purge = pending
        transaction.on_commit(pending)
    elif not keys <= pending.keys or savepoints != pending.written_in:
        pending.keys |= keys
        pending.message = _send(pending.keys, pending.message)
        pending.written_in = savepoints


def _retire(keys):
    # Not before the replicas have the change: a reader's page built from one still without it
    # would be kept under the new versions.
    db_routing.wait_for_replicas()
    fragments.retire(keys)


def _pending(connection):
    """This transaction's `_Pending`, if a purge was made in it: its after-commit callback is
    still registered (a commit runs it, a rollback, of the transaction or of the savepoint it
    was made in, drops it with its message). Django keeps on_commit callbacks as
    (savepoint ids, callback, robust) in `run_on_commit`."""
    pending = getattr(connection, "newsroom_purge", None)
    if pending is None:
        return None
    if any(callback is pending for _, callback, _ in connection.run_on_commit):
        return pending
    connection.newsroom_purge = None
    return None


def _send(keys, message=None):
    if _queue is None:
        logger.debug("No purge queue set; edge not purged of %s", " ".join(sorted(keys)))
        return None
    return _queue(sorted(keys), message)


@contextmanager
def batch():
    """Inside the block, edge purges are gathered and queued once, at its end (even if it
    ends by an error: what was committed is purged). Fragments are still retired after each
    commit."""
    keys = set()
    token = _batch.set(keys)
    try:
        yield keys
    finally:
        _batch.reset(token)
        purge(keys)
