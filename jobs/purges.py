"""How the shell's purges (newsroom.purging) are queued: the task `edge.purge(keys)`, through
the outbox. The edge app declares the task; a process that does not know it (no edge app) logs
that it has no such task when the outbox runs it in-process, and nothing else happens."""

from jobs.outbox import enqueue

TASK = "edge.purge"


def queue_purge(keys, message=None):
    """Queue a purge of `keys` (a sorted list), or have `message`, queued earlier in this
    transaction and not sent yet, purge `keys` instead."""
    if message is None:
        return enqueue(TASK, keys)
    message.args = [keys]
    message.save(update_fields=["args"])
    return message
