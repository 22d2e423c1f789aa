#!/usr/bin/env bash
# Installs FerretDB 1.24.2 into .tools/bin (idempotent). Plain `go install ...@v1.24.2` builds
# a binary that panics at start (its embedded build/version/version.txt is empty outside the
# FerretDB repo), so we build the same module source with that one file filled in.
#
# One fix is applied to that source: the SQLite backend looks documents up by `_id` with the
# expression `_ferretdb_sjson->'$._id'`, while the unique index it creates on `_id` is on
# `_ferretdb_sjson->"_id"`. SQLite matches index expressions by their text, so the index is
# never used and every lookup, update and delete by `_id` scans the whole table (20 ms per
# operation at 20,000 documents, growing with the collection). Writing the lookup the way the
# index is written makes those an index search. Same results: both select the `_id` member.
set -euo pipefail
UPSTREAM="${FERRETDB_VERSION:-v1.24.2}"
# Bump the suffix whenever the patch changes, so that existing builds are replaced.
VERSION="$UPSTREAM-clutch.1"
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
src="$(go mod download -json "github.com/FerretDB/FerretDB@$UPSTREAM" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[ -d "$src" ] || { echo "install-ferretdb: go mod download gave no source directory" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$src/." "$work/"
chmod -R u+w "$work"
echo "$VERSION" > "$work/build/version/version.txt"
metadata="$work/internal/backends/sqlite/metadata/metadata.go"
sed -i "s|IDColumn = DefaultColumn + \"->'\\\$._id'\"|IDColumn = DefaultColumn + \"->'_id'\"|" "$metadata"
grep -q "IDColumn = DefaultColumn + \"->'_id'\"" "$metadata" || { echo "install-ferretdb: the _id index patch did not apply" >&2; exit 1; }
mkdir -p "$(dirname "$bin")"
(cd "$work" && go build -trimpath -o "$bin" ./cmd/ferretdb)
version_line="$(installed_version)"
echo "${version_line%%$'\n'*}" >&2
