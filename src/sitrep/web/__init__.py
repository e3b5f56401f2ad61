"""Templates and static assets of the sitrep web UI (no Python logic lives here).

Third-party assets are not committed: ``scripts/fetch_assets.sh`` puts Leaflet, the
world-atlas country shapes (Natural Earth, public domain) and topojson-client under
``static/vendor/`` at install time. Without Leaflet the map pages fall back to a plain list;
without the shapes the map draws a graticule under its markers.
"""

from __future__ import annotations

from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
LEAFLET_DIR = VENDOR_DIR / "leaflet"
BASEMAP_FILE = VENDOR_DIR / "world-atlas" / "countries-50m.json"
TOPOJSON_FILE = VENDOR_DIR / "topojson-client" / "topojson-client.min.js"
BASEMAP_URL = "/static/vendor/world-atlas/countries-50m.json"
TOPOJSON_URL = "/static/vendor/topojson-client/topojson-client.min.js"


def leaflet_available(leaflet_dir: Path = LEAFLET_DIR) -> bool:
    """Whether the bundled Leaflet files were fetched (``scripts/fetch_assets.sh``)."""
    return (leaflet_dir / "leaflet.js").is_file() and (leaflet_dir / "leaflet.css").is_file()


def basemap_assets(
    shapes: Path = BASEMAP_FILE, decoder: Path = TOPOJSON_FILE
) -> dict[str, str] | None:
    """URLs of the offline base map (country shapes and their decoder), None when not fetched."""
    if not (shapes.is_file() and decoder.is_file()):
        return None
    return {"shapes": BASEMAP_URL, "decoder": TOPOJSON_URL}
