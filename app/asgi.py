"""ASGI entry point for uvicorn workers: settings from the environment."""

import sys

from app.config import get_settings
from app.heap import freeze_startup_objects
from app.logformat import wants_json
from app.logging import configure_logging
from app.main import create_app, fail_interrupted_whatif

_settings = get_settings()
configure_logging(
    _settings.log_level, wants_json(_settings.log_format, _settings.log_json, sys.stderr)
)
app = create_app(_settings)
# Each serving process, as it starts: what-if jobs of this host whose process is gone are
# failed (here, not in the app's lifespan, which test clients run inside open transactions).
fail_interrupted_whatif(app.state.sessionmaker)
# Last: everything built so far lives as long as the process (app/heap.py).
freeze_startup_objects()
