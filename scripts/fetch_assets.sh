#!/usr/bin/env bash
# Fetch the third-party web assets sitrep bundles from the npm registry:
#   - Leaflet (BSD-2-Clause), the map library;
#   - world-atlas (ISC; Natural Earth 1:50m country shapes, public domain) as TopoJSON, the
#     offline base map (country borders and coastlines) drawn when no tile server is set;
#   - topojson-client (ISC), which turns that TopoJSON into shapes in the browser.
# Nothing third-party is committed: this runs at install time (the Makefile calls it before
# `pip install`) and is idempotent: a package already in place at its pinned version is kept.
set -euo pipefail

LEAFLET_VERSION="${LEAFLET_VERSION:-1.9.4}"
WORLD_ATLAS_VERSION="${WORLD_ATLAS_VERSION:-2.0.2}"
TOPOJSON_CLIENT_VERSION="${TOPOJSON_CLIENT_VERSION:-3.1.0}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/src/sitrep/web/static/vendor"

# fetch NAME VERSION FILE... : copy FILEs (paths inside the npm package; a trailing /*.png
# glob is allowed) into $VENDOR/NAME, with the package's LICENSE and a VERSION stamp.
fetch() {
  local name="$1" version="$2"
  shift 2
  local dest="$VENDOR/$name"
  local complete=1 file
  for file in "$@"; do
    if [[ "$file" == */\*.png ]]; then
      [[ -d "$dest/images" ]] || complete=0
    else
      [[ -f "$dest/${file##*/}" ]] || complete=0
    fi
  done
  if [[ $complete == 1 && -f "$dest/VERSION" && "$(cat "$dest/VERSION")" == "$version" ]]; then
    echo "$name $version already in $dest"
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "fetch_assets: npm is required to fetch $name (apt-get install -y npm)" >&2
    return 1
  fi

  local work
  work="$(mktemp -d)"
  (cd "$work" && npm pack --silent "$name@$version" >/dev/null)
  tar -xzf "$work"/*.tgz -C "$work"

  local stage="$work/stage"
  mkdir -p "$stage"
  for file in "$@"; do
    if [[ "$file" == */\*.png ]]; then
      mkdir -p "$stage/images"
      cp "$work/package/${file%/\*.png}/"*.png "$stage/images/"
    else
      cp "$work/package/$file" "$stage/"
    fi
  done
  cp "$work/package/LICENSE" "$stage/LICENSE" 2>/dev/null || true
  echo "$version" > "$stage/VERSION"

  # Swap in whole, so an interrupted run never leaves a half-filled folder behind.
  mkdir -p "$VENDOR"
  rm -rf "$dest"
  mv "$stage" "$dest"
  rm -rf "$work"
  echo "$name $version installed in $dest"
}

fetch leaflet "$LEAFLET_VERSION" dist/leaflet.js dist/leaflet.css 'dist/images/*.png'
fetch world-atlas "$WORLD_ATLAS_VERSION" countries-50m.json
fetch topojson-client "$TOPOJSON_CLIENT_VERSION" dist/topojson-client.min.js
