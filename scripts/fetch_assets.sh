#!/usr/bin/env bash
# Fetch the third-party web assets sitrep bundles (Leaflet) from the npm registry.
# Nothing third-party is committed: this runs at install time (the Makefile calls it before
# `pip install`) and is idempotent: it does nothing when the pinned version is already in place.
set -euo pipefail

LEAFLET_VERSION="${LEAFLET_VERSION:-1.9.4}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/src/sitrep/web/static/vendor/leaflet"
STAMP="$DEST/VERSION"

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$LEAFLET_VERSION" && -f "$DEST/leaflet.js" \
      && -f "$DEST/leaflet.css" && -d "$DEST/images" ]]; then
  echo "leaflet $LEAFLET_VERSION already in $DEST"
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "fetch_assets: npm is required to fetch leaflet (apt-get install -y npm)" >&2
  exit 1
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

(cd "$WORK" && npm pack --silent "leaflet@$LEAFLET_VERSION" >/dev/null)
TARBALL="$(ls "$WORK"/leaflet-*.tgz)"
tar -xzf "$TARBALL" -C "$WORK"

STAGE="$WORK/stage"
mkdir -p "$STAGE/images"
cp "$WORK/package/dist/leaflet.js" "$WORK/package/dist/leaflet.css" "$STAGE/"
cp "$WORK/package/dist/images/"*.png "$STAGE/images/"
cp "$WORK/package/LICENSE" "$STAGE/LICENSE" 2>/dev/null || true
echo "$LEAFLET_VERSION" > "$STAGE/VERSION"

# Swap in whole, so an interrupted run never leaves a half-filled folder behind.
mkdir -p "$(dirname "$DEST")"
rm -rf "$DEST"
mv "$STAGE" "$DEST"
echo "leaflet $LEAFLET_VERSION installed in $DEST"
