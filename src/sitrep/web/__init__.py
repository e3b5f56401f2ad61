"""Templates and static assets of the sitrep web UI (no Python logic lives here).

Leaflet is not committed: ``scripts/fetch_assets.sh`` puts it under ``static/vendor/leaflet``
at install time, and the map page falls back to a plain list when it is missing.
"""

from __future__ import annotations

from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
LEAFLET_DIR = STATIC_DIR / "vendor" / "leaflet"


def leaflet_available(leaflet_dir: Path = LEAFLET_DIR) -> bool:
    """Whether the bundled Leaflet files were fetched (``scripts/fetch_assets.sh``)."""
    return (leaflet_dir / "leaflet.js").is_file() and (leaflet_dir / "leaflet.css").is_file()
