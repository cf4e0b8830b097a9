"""`python -m ui` starts the app (and the frozen build's entry point)."""

import sys

if getattr(sys, "frozen", False):
    # The frozen build is also its own import worker, started for every spreadsheet read
    # (planner.importing.worker): serve before Qt and the app's modules load (~150 ms
    # of each read in the built app).
    from planner.importing.worker import run_worker_if_requested

    run_worker_if_requested()

from ui.app import main  # only when this process is the app

sys.exit(main())
