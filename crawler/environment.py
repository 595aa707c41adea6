"""The one place where the process environment becomes settings.

Every other module receives configuration through Scrapy settings (`from_crawler`) or through
function arguments; only this mapping looks at `os.environ`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def _flag(value: str) -> bool:
    return value.lower() in {"1", "true", "yes", "on"}


#: Environment variables that override the setting of the same name, with their parser.
ENVIRONMENT_SETTINGS: dict[str, Any] = {
    "WARTA_DATABASE_URL": str,
    "WARTA_USER_AGENT": str,
    "WARTA_LOG_DIR": str,
    "WARTA_REDIS_URL": str,
    "WARTA_LANGUAGES": lambda value: [part.strip() for part in value.split(",") if part.strip()],
    "WARTA_BASE_URLS": json.loads,
    "WARTA_HTTPCACHE": _flag,
    "WARTA_WARC_ENABLED": _flag,
    "WARTA_WARC_DIR": str,
    "WARTA_SILENCE_MIN_RUNS": int,
    "WARTA_SILENCE_MIN_DAYS": float,
}


def overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    """Return the settings that the environment overrides, parsed to their setting types."""
    found: dict[str, Any] = {}
    for name, parse in ENVIRONMENT_SETTINGS.items():
        value = environ.get(name)
        if value:
            try:
                found[name] = parse(value)
            except ValueError as error:
                raise ValueError(f"environment variable {name}: {error}") from error
    return found
