#!/usr/bin/env bash
# Installs FerretDB 1.24.2 into .tools/bin (idempotent). Plain `go install ...@v1.24.2` builds
# a binary that panics at start (its embedded build/version/version.txt is empty outside the
# FerretDB repo), so we build the same module source with that one file filled in.
set -euo pipefail
VERSION="${FERRETDB_VERSION:-v1.24.2}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.tools/bin/ferretdb"
# Output is captured first: with pipefail, `| grep -q` or `| head` would turn SIGPIPE into failure.
installed_version() { "$bin" --version 2>/dev/null || true; }
if [ -x "$bin" ] && [[ "$(installed_version)" == *"version: $VERSION"* ]]; then
  exit 0
fi
command -v go >/dev/null || { echo "install-ferretdb: Go is needed to build FerretDB (or set MONGODB_URI)" >&2; exit 1; }
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
echo "install-ferretdb: building FerretDB $VERSION (about a minute, once)" >&2
src="$(go mod download -json "github.com/FerretDB/FerretDB@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[ -d "$src" ] || { echo "install-ferretdb: go mod download gave no source directory" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$src/." "$work/"
chmod -R u+w "$work"
echo "$VERSION" > "$work/build/version/version.txt"
mkdir -p "$(dirname "$bin")"
(cd "$work" && go build -trimpath -o "$bin" ./cmd/ferretdb)
version_line="$(installed_version)"
echo "${version_line%%$'\n'*}" >&2
