"""`python -m ui` starts the app."""

import sys

from ui.app import main

sys.exit(main())
