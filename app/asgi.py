"""ASGI entry point for uvicorn workers: settings from the environment."""

from app.config import get_settings
from app.logging import configure_logging
from app.main import create_app

_settings = get_settings()
configure_logging(_settings.log_level, _settings.log_json)
app = create_app(_settings)
