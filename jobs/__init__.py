"""Work done off the request: the outbox that queues it and the record of what failed.

An app of its own because every content app queues work (renditions, imports, purges) and none
should own the machinery: `jobs` sits just above the shell, below `library`, so any app may
call `jobs.outbox.enqueue`, and its two models (the outbox and the failed-task record) and their
admin live in one place an operator can find. See docs/tasks.md.
"""
