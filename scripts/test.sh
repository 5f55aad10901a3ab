#!/usr/bin/env bash
# Sets up what the tests need on a fresh machine and runs all of them:
# formatting, vet, staticcheck and the race-enabled test suite against real SQLite files,
# the local PostgreSQL and NATS. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '== %s\n' "$*"; }

# PostgreSQL on 127.0.0.1:5432 (trust auth, database "test") for the store conformance suite.
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
	log "starting PostgreSQL"
	if [ -d /etc/postgresql ]; then
		pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
	fi
	for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if command -v psql >/dev/null 2>&1 && pg_isready -h 127.0.0.1 -p 5432 -q; then
	psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" 2>/dev/null | grep -q 1 ||
		psql -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE test" >/dev/null 2>&1 || true
fi

# NATS with JetStream on 127.0.0.1:4222.
if command -v nats-server >/dev/null 2>&1 && ! (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null; then
	log "starting NATS"
	mkdir -p /var/lib/nats-server
	start-stop-daemon --start --oknodo --background --exec "$(command -v nats-server)" -- \
		-a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
fi

# Debian's Chromium for the browser tests of the pages (internal/web). CI runs as root with the Debian
# mirror reachable; elsewhere, install it yourself or the browser tests skip with a message.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	log "installing chromium"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
if [ -x /usr/bin/chromium ]; then
	export BORDERWATCH_REQUIRE_BROWSER=1
fi

# Leaflet from npm into internal/web/static/vendor before anything embeds it.
log "npm: the pages' map library"
scripts/web.sh

log "go $(go version | cut -d' ' -f3): downloading modules"
go mod download

log "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

log "go vet"
go vet ./...

log "staticcheck"
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

log "go test -race"
go test -race -count=1 -timeout 30m ./...
