"""edge.purge: tell every configured edge cache which keys' pages to drop.

Queued through the outbox after the change commits (`jobs.outbox.enqueue("edge.purge",
[keys…])`). Idempotent: purging a key twice leaves what purging it once leaves. A backend that
does not acknowledge makes the task raise, so it is retried with backoff, at every backend
(purging again where it worked is harmless), and recorded as a failed task after the last try.
"""

import logging

from edge import backends
from edge.backends import InvalidKeys, PurgeFailed
from jobs.tasks import job
from newsroom.db_routing import wait_for_replicas

logger = logging.getLogger(__name__)


@job(name="edge.purge", dont_autoretry_for=(InvalidKeys,))
def purge(keys):
    """Purge `keys` (a list of surrogate keys) at every edge cache. Returns what each did."""
    keys = backends.clean_keys(keys)
    edges = backends.configured()
    if not edges:
        logger.debug("No edge cache configured; %d keys not purged", len(keys))
        return {}
    if not keys:
        return {}
    # Purged before the read replicas have the change, a page could be fetched again from one
    # without it and kept at the edge for its whole lifetime.
    wait_for_replicas()
    done, failures = {}, []
    for edge in edges:
        try:
            done[str(edge)] = edge.purge(keys)
        except PurgeFailed as error:
            failures.append(str(error))
    if failures:
        raise PurgeFailed("; ".join(failures))
    logger.info("Purged %s at %s", " ".join(keys), ", ".join(done))
    return done
