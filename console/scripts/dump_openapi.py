"""Writes each service's OpenAPI document to console/openapi/NAME.json without running it.

The app is assembled from the service's definition with placeholder settings: building it connects
to nothing (the engine and the broker are lazy), so this runs on a machine with no database.
"""

import importlib
import json
import sys
from pathlib import Path

from unionfed_shared.http import create_app
from unionfed_shared.runtime import Runtime

SERVICES = ("membership", "welfare", "events", "finance")
PLACEHOLDERS = {
    "database_url": "postgresql+asyncpg://openapi:openapi@127.0.0.1:1/openapi",
    "jwt_secret": "openapi-dump-placeholder-secret-not-used-for-anything",
}


def document(name: str) -> dict:
    app_module = importlib.import_module(f"unionfed_{name}.entrypoints.app")
    definition = app_module.definition()
    settings = definition.settings_factory(**PLACEHOLDERS)
    return create_app(Runtime(definition, settings)).openapi()


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in SERVICES:
        text = json.dumps(document(name), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        (out_dir / f"{name}.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "openapi")
