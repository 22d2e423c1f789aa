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
#
# A second fix makes single-document writes atomic, as on MongoDB. FerretDB's update,
# findAndModify and delete read the matching documents, apply the change in Go and write the
# result back in a separate statement, with nothing holding the document in between, so
# concurrent writers overwrite each other (50 concurrent `$inc` on one document left 7), two
# `findOneAndUpdate` claims take the same document, and upserts racing on a new `_id` fail
# with E11000 where MongoDB retries them. The patch below (a new handler/writelock.go and one
# line in each of the three handlers) holds a lock across each command's read-modify-write:
# that `_id`'s lock when the command's single filter names one string or ObjectId `_id`, so
# writes to different documents still overlap, and the whole collection's otherwise. Reads
# and inserts take no lock. The cost is that writes to one document queue behind each other.
# The locks are in memory: this FerretDB process must be the only writer of its SQLite files,
# as it is here.
set -euo pipefail
UPSTREAM="${FERRETDB_VERSION:-v1.24.2}"
# Bump the suffix whenever the patch changes, so that existing builds are replaced.
VERSION="$UPSTREAM-clutch.2"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.tools/bin/ferretdb"
# Output is captured first: with pipefail, `| grep -q` or `| head` would turn SIGPIPE into failure.
installed_version() { "$bin" --version 2>/dev/null || true; }
if [ -x "$bin" ] && [[ "$(installed_version)" == *"version: $VERSION"* ]]; then
  exit 0
fi
command -v go >/dev/null || { echo "install-ferretdb: Go is needed to build FerretDB (or set MONGODB_URI)" >&2; exit 1; }
command -v patch >/dev/null || { echo "install-ferretdb: patch(1) is needed to build FerretDB (or set MONGODB_URI)" >&2; exit 1; }
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
# --fuzz=0: a hunk whose context moved in a new upstream fails instead of landing elsewhere.
patch -d "$work" -p1 --batch --forward --fuzz=0 --no-backup-if-mismatch --quiet <<'PATCH' \
  || { echo "install-ferretdb: the atomic write patch did not apply" >&2; exit 1; }
--- a/internal/handler/msg_delete.go
+++ b/internal/handler/msg_delete.go
@@ -68,6 +68,8 @@
 	var deleted int32
 	writeErrors := types.MakeArray(0)
 
+	defer lockCollectionWrites(params.DB, params.Collection, deleteFilters(params.Deletes)...)()
+
 	for i, p := range params.Deletes {
 		var d int32
 		d, err = h.execDelete(connCtx, c, &p)
--- a/internal/handler/msg_findandmodify.go
+++ b/internal/handler/msg_findandmodify.go
@@ -95,6 +95,8 @@
 // otherwise it updates the document applying operators if any.
 // When no document is found, a document is inserted if `upsert` flag is set.
 func (h *Handler) findAndModifyDocument(ctx context.Context, params *common.FindAndModifyParams) (*findAndModifyResult, error) {
+	defer lockCollectionWrites(params.DB, params.Collection, params.Query)()
+
 	db, err := h.b.Database(params.DB)
 	if err != nil {
 		// TODO https://github.com/FerretDB/FerretDB/issues/2168
--- a/internal/handler/msg_update.go
+++ b/internal/handler/msg_update.go
@@ -72,6 +72,8 @@
 	var matched, modified int32
 	var upserted types.Array
 
+	defer lockCollectionWrites(params.DB, params.Collection, updateFilters(params.Updates)...)()
+
 	db, err := h.b.Database(params.DB)
 	if err != nil {
 		if backends.ErrorCodeIs(err, backends.ErrorCodeDatabaseNameIsInvalid) {
--- a/internal/handler/writelock.go
+++ b/internal/handler/writelock.go
@@ -0,0 +1,92 @@
+package handler
+
+import (
+	"sync"
+
+	"github.com/FerretDB/FerretDB/internal/handler/common"
+	"github.com/FerretDB/FerretDB/internal/types"
+)
+
+// update, findAndModify and delete read the documents they match, change them in Go and write
+// them back in a separate statement. Without a lock across that, concurrent writers to one
+// document overwrite each other's changes and claim or delete the same document twice.
+//
+// A write whose filter names one `_id` (a string or an ObjectId) can only touch or upsert that
+// document: it holds its collection's lock shared and that `_id`'s lock exclusively, so writes
+// to different documents still overlap. Any other write, or a command of several statements,
+// holds its collection's lock exclusively.
+type writeLocks struct {
+	collection sync.RWMutex
+	mu         sync.Mutex
+	documents  map[string]*documentLock // only the `_id`s being written, so it stays small
+}
+
+type documentLock struct {
+	sync.Mutex
+	holders int // holding or waiting for it; the entry goes when this drops to zero
+}
+
+// One entry per collection written to, kept for the life of the process.
+var collectionWriteLocks sync.Map
+
+// lockCollectionWrites takes the lock for a write command with the given statement filters
+// and returns the function that releases it.
+func lockCollectionWrites(db, collection string, filters ...*types.Document) func() {
+	v, _ := collectionWriteLocks.LoadOrStore(db+"\x00"+collection, &writeLocks{documents: map[string]*documentLock{}})
+	l := v.(*writeLocks)
+
+	var key string
+	if len(filters) == 1 && filters[0] != nil {
+		id, _ := filters[0].Get("_id")
+		switch id := id.(type) {
+		case string:
+			key = "s" + id
+		case types.ObjectID:
+			key = "o" + string(id[:])
+		}
+	}
+
+	if key == "" {
+		l.collection.Lock()
+		return l.collection.Unlock
+	}
+
+	l.collection.RLock()
+	l.mu.Lock()
+	d := l.documents[key]
+	if d == nil {
+		d = new(documentLock)
+		l.documents[key] = d
+	}
+	d.holders++
+	l.mu.Unlock()
+	d.Lock()
+
+	return func() {
+		d.Unlock()
+		l.mu.Lock()
+		if d.holders--; d.holders == 0 {
+			delete(l.documents, key)
+		}
+		l.mu.Unlock()
+		l.collection.RUnlock()
+	}
+}
+
+func updateFilters(updates []common.Update) []*types.Document {
+	filters := make([]*types.Document, len(updates))
+	for i := range updates {
+		filters[i] = updates[i].Filter
+	}
+
+	return filters
+}
+
+func deleteFilters(deletes []common.Delete) []*types.Document {
+	filters := make([]*types.Document, len(deletes))
+	for i := range deletes {
+		filters[i] = deletes[i].Filter
+	}
+
+	return filters
+}
PATCH
for handler in update findandmodify delete; do
  grep -q 'defer lockCollectionWrites(' "$work/internal/handler/msg_$handler.go" \
    || { echo "install-ferretdb: the atomic write patch did not apply to msg_$handler.go" >&2; exit 1; }
done
mkdir -p "$(dirname "$bin")"
(cd "$work" && go build -trimpath -o "$bin" ./cmd/ferretdb)
version_line="$(installed_version)"
echo "${version_line%%$'\n'*}" >&2
