#!/usr/bin/env bash
# Installs the third-party browser files of the pages (Leaflet and Leaflet.markercluster, pinned in
# web/package-lock.json) from the npm registry and copies the files the pages load into
# internal/web/static/vendor/, which is gitignored and embedded by the next go build. Without this step
# the binary still builds and the main page says plainly that the map library is missing.
# Safe to run again; uses npm's cache first, so a machine that ran it once needs no network.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
	echo "scripts/web.sh: npm not found: install Node.js (Debian: apt-get install nodejs npm)" >&2
	exit 1
fi

vendor=internal/web/static/vendor
(cd web && npm ci --prefer-offline --no-audit --no-fund --ignore-scripts --loglevel=error)

rm -rf "$vendor"
mkdir -p "$vendor/images"
cp web/node_modules/leaflet/dist/leaflet.js web/node_modules/leaflet/dist/leaflet.css "$vendor/"
cp web/node_modules/leaflet/dist/images/*.png "$vendor/images/"
cp web/node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
	web/node_modules/leaflet.markercluster/dist/MarkerCluster.css "$vendor/"
cp web/node_modules/leaflet/LICENSE "$vendor/LICENSE-leaflet"
cp web/node_modules/leaflet.markercluster/MIT-LICENCE.txt "$vendor/LICENSE-leaflet.markercluster"
echo "scripts/web.sh: vendor files in $vendor: $(ls "$vendor" | tr '\n' ' ')"
