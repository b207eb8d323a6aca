"""Feed subscriptions: partners' feeds an editor adds in the admin, polled on a schedule.

- `models`: `FeedSubscription`: the address, the import options `import_feed` takes, how
  often to poll, and the status the desk sees (last success, last error, items taken, when the
  next poll is due), with the validators (ETag, Last-Modified) of the last answer.
- `polling`: one poll: claim the subscription (no two workers poll one feed at once), fetch
  conditionally, import through the feed import engine (`importers.feed_import`, the code
  `import_feed` runs), and record the outcome; a failure pushes the next poll back.
- `tasks`: `importers.poll_due_feeds`, which the scheduler runs every minute (a django-celery-beat
  periodic task, editable in the admin), queues `importers.poll_feed` for each feed due.
- `admin`: the subscriptions' list with their status, and "Poll now".

docs/importing.md ("Feed subscriptions") says how editors and operators use them.
"""
