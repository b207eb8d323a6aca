"""Running an import job on workers: where the work stops and starts again.

The engine is the commands' own (`importers.run`, `write`, `media`, `pages`, `interchange`);
a job adds only where its work is cut:

- `job_plan`: `plan(job)` reads the source once, writes what a WordPress export's posts share
  (part 0), splits the items into parts and queues a task for each.
- `job_parts`: `import_part(part)` writes a part batch by batch, each batch one transaction
  with its checkpoint, resuming after the last batch that committed.
- `job_whole`: a dry run or a strict run, all or nothing, as the command runs it.
- `job_report`: the run the parts write through and the report read back from them.
- `job_state`: how a job ends (done, cancelled between batches, failed).

The tasks (`importers.import_tasks`) and the admin call the names below.
"""

from importers.job_parts import import_part
from importers.job_plan import plan
from importers.job_state import cancel, fail

__all__ = ["cancel", "fail", "import_part", "plan"]
