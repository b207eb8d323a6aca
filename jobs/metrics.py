"""Background work at /metrics: the outbox, the broker's queue and tasks that failed for good.

All are read when Prometheus scrapes (newsroom.metrics.read_at_scrape), from the database and
the broker, so every web process tells the same figures, and they include what the workers did:
workers are never scraped, and a counter kept in one process's memory would count only what that
process saw. Failed tasks are therefore a gauge of the rows in jobs.FailedTask (an operator may
delete some), not a counter; alert on its rise, e.g. `delta(newsroom_tasks_failed[15m]) > 0`.

Each scrape costs three small queries (a few milliseconds in all: `make bench-background`) and,
with a broker, one connection to it: one attempt with a short timeout (BROKER_TIMEOUT), so
/metrics still answers promptly, with the broker's figure left out, when the broker is down.
"""

import logging

from django.db import DatabaseError
from django.db.models import Count, Min
from django.utils import timezone
from kombu import Connection
from prometheus_client.core import GaugeMetricFamily

from jobs.models import FailedTask, OutboxMessage
from newsroom.celery import app
from newsroom.metrics import read_at_scrape

logger = logging.getLogger(__name__)

BROKER_TIMEOUT = 1.0


class BackgroundWorkCollector:
    """The figures, read at each scrape."""

    def collect(self):
        try:
            yield from self.outbox()
            yield from self.failures()
        except DatabaseError as error:
            # /metrics still answers with the process's own figures; /readyz names the database.
            logger.warning("Background work metrics left out: database unreachable (%s)", error)
        yield from self.broker_queue()

    def outbox(self):
        pending = OutboxMessage.objects.filter(sent_at__isnull=True).aggregate(
            count=Count("pk"), oldest=Min("created_at")
        )
        yield GaugeMetricFamily(
            "newsroom_outbox_pending",
            "Queued work waiting in the outbox to be sent to the broker (it is down, or a "
            "message is being sent right now).",
            value=pending["count"],
        )
        age = (timezone.now() - pending["oldest"]).total_seconds() if pending["oldest"] else 0
        yield GaugeMetricFamily(
            "newsroom_outbox_oldest_pending_seconds",
            "How long the oldest pending outbox message has waited (0 when none waits).",
            value=max(age, 0),
        )

    def failures(self):
        failed = GaugeMetricFamily(
            "newsroom_tasks_failed",
            "Tasks that failed after all their retries, as recorded for the admin "
            "(jobs.FailedTask rows), by task name.",
            labels=["task"],
        )
        counts = FailedTask.objects.values_list("task_name").annotate(count=Count("pk"))
        for task_name, count in counts.order_by("task_name"):
            failed.add_metric([task_name], count)
        yield failed
        waiting = FailedTask.objects.filter(retried_at__isnull=True).count()
        yield GaugeMetricFamily(
            "newsroom_tasks_failed_not_run_again",
            "Recorded task failures an operator has not yet queued to run again.",
            value=waiting,
        )

    def broker_queue(self):
        """The default queue's length at the broker, when one is configured and answers."""
        url = app.conf.broker_url
        if not url:
            return
        queue = app.conf.task_default_queue
        length = queue_length(url, queue)
        if length is None:
            return
        family = GaugeMetricFamily(
            "newsroom_broker_queue_messages",
            "Messages waiting in the broker's queue for a worker (not those a worker holds).",
            labels=["queue"],
        )
        family.add_metric([queue], length)
        yield family


def queue_length(url, queue):
    """How many messages wait in `queue` (Redis: LLEN; RabbitMQ: a passive queue declare):
    0 for a queue that does not exist yet, None when the broker cannot be asked."""
    try:
        with Connection(
            url,
            connect_timeout=BROKER_TIMEOUT,
            transport_options={"socket_timeout": BROKER_TIMEOUT, "max_retries": 0},
        ) as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT)
            try:
                return connection.default_channel.queue_declare(
                    queue=queue, passive=True
                ).message_count
            except connection.channel_errors:
                return 0  # no such queue: nothing was ever sent to it, or it was emptied
    except Exception as error:
        # Whatever the transport raises (redis, amqp, socket errors), the page still answers.
        logger.info("Broker queue length left out of /metrics: %s", type(error).__name__)
        return None


_registered = False


def register():
    """Add the collector to /metrics (once per process; JobsConfig.ready calls it)."""
    global _registered
    if not _registered:
        read_at_scrape(BackgroundWorkCollector())
        _registered = True
