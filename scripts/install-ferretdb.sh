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
#
# Three more patches make the SQLite backend use its indexes (upstream uses only `_id`'s, and
# only for equality; every other filter, sort, $in or count read and decoded the whole
# collection: 723 ms for one equality at 20,000 documents). Each is explained where it is
# applied below:
#   - index keys: secondary indexes on top-level fields key a value by MongoDB's order;
#   - sort, limit and count: find and explain hand their sort and skip+limit to the backend,
#     and counts ask it to count what it can without returning documents;
#   - pushdown: equality, $in, ranges, $and/$or, sorts with a limit and counts become index
#     searches, as a superset of the filter that the handler checks again (counts exactly).
# A data directory written by this build needs it (its indexes call a function of this build);
# one written by an earlier build has its indexes rebuilt once, when it is opened.
#
# A one-hunk fix: $setOnInsert stores null and empty arrays, as MongoDB does (upstream
# dropped them).
#
# A write queue: writers to one SQLite file wait for each other in Go instead of polling
# SQLite's lock; and deletes of more than 32,766 documents, which SQLite refused in one
# statement, go in batches (each explained where it is applied).
#
# Two small ones: a $group with several accumulators gives each the whole group (upstream's
# second $sum saw none and gave 0); and the resource tracking of a debug build is off here.
#
# --stock builds upstream FerretDB with none of these patches into .tools/ferretdb-stock, the
# baseline of `npm run bench:storage`.
set -euo pipefail
UPSTREAM="${FERRETDB_VERSION:-v1.24.2}"
root="$(cd "$(dirname "$0")/.." && pwd)"
stock=false
if [ "${1:-}" = "--stock" ]; then
  stock=true
  VERSION="$UPSTREAM"
  bin="$root/.tools/ferretdb-stock/ferretdb"
else
  # Bump the suffix whenever a patch changes, so that existing builds are replaced.
  VERSION="$UPSTREAM-clutch.9"
  bin="$root/.tools/bin/ferretdb"
fi
# Output is captured first: with pipefail, `| grep -q` or `| head` would turn SIGPIPE into failure.
installed_version() { "$bin" --version 2>/dev/null || true; }
if [ -x "$bin" ] && [[ "$(installed_version)" == "version: $VERSION"$'\n'* ]]; then
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
if [ "$stock" = false ]; then
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

apply_patch() {
  patch -d "$work" -p1 --batch --forward --fuzz=0 --no-backup-if-mismatch --quiet \
    || { echo "install-ferretdb: the $1 patch did not apply" >&2; exit 1; }
}
must_contain() {
  grep -q "$2" "$work/$1" || { echo "install-ferretdb: $1 lacks $2: a patch did not apply" >&2; exit 1; }
}

# Index keys. Upstream indexes a field on `_ferretdb_sjson->"field"`, JSON text: its order is
# not MongoDB's (10 before 9; a date is a number, an ObjectId a string) and it holds no type,
# so no range or sort could use it. Secondary indexes on top-level fields are built instead on
# ferretdb_key(type, value), a deterministic SQL function registered by this build: a BLOB that
# starts with the value's type bracket in MongoDB's order and goes on with bytes whose order is
# the value's order (int, long and double compare exactly, equal numbers give equal keys; a
# missing field gives NULL, so unique indexes behave as before). `_id_` and dotted fields keep
# the upstream expression. Indexes of an earlier build are rebuilt when their database opens.
apply_patch "index key" <<'PATCH'
--- /dev/null
+++ b/internal/backends/sqlite/metadata/indexkey.go
@@ -0,0 +1,309 @@
+package metadata
+
+import (
+	"context"
+	"database/sql"
+	"database/sql/driver"
+	"encoding/binary"
+	"encoding/hex"
+	"encoding/json"
+	"errors"
+	"fmt"
+	"math"
+	"regexp"
+	"strconv"
+	"strings"
+
+	sqlite3 "modernc.org/sqlite"
+
+	"github.com/FerretDB/FerretDB/internal/backends"
+	"github.com/FerretDB/FerretDB/internal/util/fsql"
+	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
+)
+
+// Upstream indexes a field on `_ferretdb_sjson->"field"`: JSON text, whose order is not
+// MongoDB's (10 sorts before 9, dates are numbers, an ObjectId is a string) and which holds
+// no type. So only equality could ever be pushed down. Secondary indexes on top-level fields
+// are built instead on IndexKey(field): a BLOB that starts with the value's type bracket in
+// MongoDB's order (null < numbers < strings < objects < arrays < binData < ObjectId < bool <
+// date < timestamp < regex) and goes on with an encoding whose byte order is the value's order
+// (numbers of any type compare exactly and equal numbers give equal keys). That lets SQLite
+// answer equality, $in, ranges and sorts from the index. A missing field gives NULL, as before,
+// so unique indexes still accept many documents without the field. Objects, arrays, binData
+// and regexes keep their JSON text after the bracket: distinct, but not in MongoDB's order.
+// The `_id_` index and dotted or unusual field names keep the upstream expression.
+
+// Key brackets, in MongoDB's type order.
+const (
+	KeyNull      byte = 0x05
+	KeyNumber    byte = 0x0a
+	KeyString    byte = 0x0f
+	KeyObject    byte = 0x14
+	KeyArray     byte = 0x19
+	KeyBinData   byte = 0x1e
+	KeyObjectID  byte = 0x23
+	KeyBool      byte = 0x28
+	KeyDate      byte = 0x2d
+	KeyTimestamp byte = 0x2f
+	KeyRegex     byte = 0x32
+	keyOther     byte = 0x3c
+)
+
+const keyFunction = "ferretdb_key"
+
+var keyField = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
+
+func init() {
+	// Registered before any connection opens: every connection that writes a table needs it.
+	if err := sqlite3.RegisterDeterministicScalarFunction(keyFunction, 2, indexKeyFunc); err != nil {
+		panic(err)
+	}
+}
+
+// IndexKey returns the SQL expression secondary indexes use for field, or false when the field
+// keeps the upstream expression (and nothing is pushed down on it).
+func IndexKey(field string) (string, bool) {
+	if !keyField.MatchString(field) {
+		return "", false
+	}
+
+	return fmt.Sprintf(`%[1]s(%[2]s->>'$."$s".p.%[3]s.t', %[2]s->'$.%[3]s')`, keyFunction, DefaultColumn, field), true
+}
+
+// indexColumns returns the indexed expressions of a new index.
+func indexColumns(index IndexInfo) string {
+	columns := make([]string, len(index.Key))
+
+	for i, key := range index.Key {
+		if expr, ok := IndexKey(key.Field); ok && index.Name != backends.DefaultIndexName {
+			columns[i] = expr
+		} else {
+			fields := strings.Split(key.Field, ".")
+			for j, f := range fields {
+				fields[j] = fmt.Sprintf("%q", f)
+			}
+
+			columns[i] = fmt.Sprintf("%s->%s", DefaultColumn, strings.Join(fields, "->"))
+		}
+
+		if key.Descending {
+			columns[i] += " DESC"
+		}
+	}
+
+	return strings.Join(columns, ", ")
+}
+
+// upgradeIndexes rebuilds, once, the secondary indexes an earlier build created on the upstream
+// expression, so that queries pushed down on IndexKey can use them.
+func upgradeIndexes(ctx context.Context, db *fsql.DB, colls map[string]*Collection) error {
+	for _, c := range colls {
+		for _, index := range c.Settings.Indexes {
+			if index.Name == backends.DefaultIndexName {
+				continue
+			}
+
+			name := c.TableName + "_" + index.Name
+
+			var q string
+			err := db.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`, name).Scan(&q)
+			if errors.Is(err, sql.ErrNoRows) {
+				continue
+			}
+
+			if err != nil {
+				return lazyerrors.Error(err)
+			}
+
+			if strings.Contains(q, keyFunction+"(") || !strings.Contains(indexColumns(index), keyFunction+"(") {
+				continue
+			}
+
+			unique := ""
+			if index.Unique {
+				unique = "UNIQUE "
+			}
+
+			if _, err = db.ExecContext(ctx, fmt.Sprintf(`DROP INDEX %q`, name)); err != nil {
+				return lazyerrors.Error(err)
+			}
+
+			q = fmt.Sprintf(`CREATE %sINDEX %q ON %q (%s)`, unique, name, c.TableName, indexColumns(index))
+			if _, err = db.ExecContext(ctx, q); err != nil {
+				return lazyerrors.Error(err)
+			}
+		}
+	}
+
+	return nil
+}
+
+func indexKeyFunc(_ *sqlite3.FunctionContext, args []driver.Value) (driver.Value, error) {
+	t, _ := args[0].(string)
+	raw, _ := args[1].(string)
+
+	if t == "" || raw == "" {
+		return nil, nil
+	}
+
+	b, err := EncodeKey(t, raw)
+	if err != nil {
+		return nil, lazyerrors.Error(err)
+	}
+
+	return b, nil
+}
+
+// EncodeKey returns the index key of a value stored as sjson type t and JSON text raw.
+func EncodeKey(t, raw string) ([]byte, error) {
+	switch t {
+	case "null":
+		return []byte{KeyNull}, nil
+
+	case "int", "long":
+		i, err := strconv.ParseInt(raw, 10, 64)
+		if err != nil {
+			return nil, err
+		}
+
+		return IntKey(i), nil
+
+	case "double":
+		f, err := strconv.ParseFloat(raw, 64)
+		if err != nil {
+			return nil, err
+		}
+
+		return FloatKey(f), nil
+
+	case "string":
+		var s string
+		if len(raw) >= 2 && !strings.ContainsRune(raw, '\\') {
+			s = raw[1 : len(raw)-1]
+		} else if err := json.Unmarshal([]byte(raw), &s); err != nil {
+			return nil, err
+		}
+
+		return StringKey(s), nil
+
+	case "objectId":
+		if len(raw) != 26 {
+			return nil, fmt.Errorf("bad ObjectId %s", raw)
+		}
+
+		b, err := hex.DecodeString(raw[1:25])
+		if err != nil {
+			return nil, err
+		}
+
+		return append([]byte{KeyObjectID}, b...), nil
+
+	case "bool":
+		return BoolKey(raw == "true"), nil
+
+	case "date":
+		ms, err := strconv.ParseInt(raw, 10, 64)
+		if err != nil {
+			return nil, err
+		}
+
+		return DateKey(ms), nil
+
+	case "timestamp":
+		ts, err := strconv.ParseUint(raw, 10, 64)
+		if err != nil {
+			return nil, err
+		}
+
+		return TimestampKey(ts), nil
+
+	case "object":
+		return append([]byte{KeyObject}, raw...), nil
+	case "array":
+		return append([]byte{KeyArray}, raw...), nil
+	case "binData":
+		return append([]byte{KeyBinData}, raw...), nil
+	case "regex":
+		return append([]byte{KeyRegex}, raw...), nil
+	default:
+		return append([]byte{keyOther}, raw...), nil
+	}
+}
+
+// StringKey is the key of a string: MongoDB compares strings byte by byte, as BLOBs compare.
+func StringKey(s string) []byte {
+	return append([]byte{KeyString}, s...)
+}
+
+// BoolKey is the key of a boolean.
+func BoolKey(b bool) []byte {
+	if b {
+		return []byte{KeyBool, 1}
+	}
+
+	return []byte{KeyBool, 0}
+}
+
+// DateKey is the key of a date in milliseconds since the epoch.
+func DateKey(ms int64) []byte {
+	return binary.BigEndian.AppendUint64([]byte{KeyDate}, uint64(ms)^(1<<63))
+}
+
+// TimestampKey is the key of a timestamp: MongoDB compares them as unsigned integers.
+func TimestampKey(ts uint64) []byte {
+	return binary.BigEndian.AppendUint64([]byte{KeyTimestamp}, ts)
+}
+
+// ObjectIDKey is the key of an ObjectId.
+func ObjectIDKey(id [12]byte) []byte {
+	return append([]byte{KeyObjectID}, id[:]...)
+}
+
+// FloatKey is the key of a double. Numbers are keyed as the double nearest to them, in an
+// order-preserving encoding, then the (small) exact difference between the number and that
+// double, so that an int64 beyond 2^53 and a double still compare exactly, and -0 equals 0.
+func FloatKey(f float64) []byte {
+	return numberKey(f, 0)
+}
+
+// IntKey is the key of an int32 or int64.
+func IntKey(i int64) []byte {
+	f := float64(i)
+
+	var diff int64
+
+	switch {
+	case i > -(1<<53) && i < 1<<53:
+	case f >= math.MaxInt64: // 2^63: not an int64
+		diff = (i - math.MaxInt64) - 1
+	default:
+		diff = i - int64(f)
+	}
+
+	return numberKey(f, diff)
+}
+
+func numberKey(f float64, diff int64) []byte {
+	var bits uint64
+
+	switch {
+	case math.IsNaN(f):
+		bits = 0 // below every number, as in MongoDB
+	case f == 0:
+		bits = 1 << 63 // -0 is 0
+	case math.Signbit(f):
+		bits = ^math.Float64bits(f)
+	default:
+		bits = math.Float64bits(f) | 1<<63
+	}
+
+	b := binary.BigEndian.AppendUint64([]byte{KeyNumber}, bits)
+
+	// |diff| <= 512 for any int64.
+	return binary.BigEndian.AppendUint16(b, uint16(diff+1<<15))
+}
+
+// KeyBracketEnd returns the smallest key above every key of the given bracket.
+func KeyBracketEnd(bracket byte) []byte {
+	return []byte{bracket + 1}
+}
--- a/internal/backends/sqlite/metadata/registry.go
+++ b/internal/backends/sqlite/metadata/registry.go
@@ -120,6 +120,10 @@ func (r *Registry) initCollections(ctx context.Context, dbName string, db *fsql.
 		return lazyerrors.Error(err)
 	}
 
+	if err = upgradeIndexes(ctx, db, colls); err != nil {
+		return lazyerrors.Error(err)
+	}
+
 	r.colls[dbName] = colls
 
 	return nil
@@ -473,24 +477,11 @@ func (r *Registry) indexesCreate(ctx context.Context, dbName, collectionName str
 
 		q += "INDEX %q ON %q (%s)"
 
-		columns := make([]string, len(index.Key))
-		for i, key := range index.Key {
-			fields := strings.Split(key.Field, ".")
-			for j, f := range fields {
-				fields[j] = fmt.Sprintf("%q", f)
-			}
-
-			columns[i] = fmt.Sprintf("%s->%s", DefaultColumn, strings.Join(fields, "->"))
-			if key.Descending {
-				columns[i] += " DESC"
-			}
-		}
-
 		q = fmt.Sprintf(
 			q,
 			c.TableName+"_"+index.Name,
 			c.TableName,
-			strings.Join(columns, ", "),
+			indexColumns(index),
 		)
 
 		if _, err := db.ExecContext(ctx, q); err != nil {
PATCH
must_contain internal/backends/sqlite/metadata/registry.go 'indexColumns(index)'
must_contain internal/backends/sqlite/metadata/registry.go 'upgradeIndexes(ctx, db, colls)'

# Sort, limit and count. The handler sorts and limits in Go and gives the backend neither, so a
# backend can never stop early; and it counts by decoding every document the backend returns
# (an unfiltered count, estimatedDocumentCount's, decoded the whole collection). find and explain
# now also pass their sort and skip+limit (QueryParams.OrderBy/OrderLimit), only when the backend
# receives the whole filter (no dotted key was held back); the handler still filters, sorts,
# skips and limits the result. count without skip or limit, and the pipelines that only count
# their $match (countDocuments' [$match, {$group: {_id: 1, n: {$sum: 1}}}], and [$match, $count]),
# set QueryParams.Count: the backend may count the documents it knows match without returning
# them (QueryResult.Counted); the handler checks and counts the ones it returns. explain shows it
# as countPushdown.
apply_patch "sort, limit and count" <<'PATCH'
--- a/internal/backends/collection.go
+++ b/internal/backends/collection.go
@@ -79,6 +79,16 @@
 	Sort   *types.Document
 	Limit  int64
 
+	// The find's sort (fields with 1 or -1) and skip+limit, which a backend may apply only
+	// when it applies the whole filter; the handler sorts and limits again.
+	OrderBy    *types.Document
+	OrderLimit int64
+
+	// The caller only counts the documents that Filter, its whole filter, matches. A backend may
+	// count the ones it knows match without returning them (QueryResult.Counted); the caller
+	// checks and counts the ones it returns.
+	Count bool
+
 	OnlyRecordIDs bool
 	Comment       string
 }
@@ -86,6 +96,9 @@
 // QueryResult represents the results of Collection.Query method.
 type QueryResult struct {
 	Iter types.DocumentsIterator
+
+	// With QueryParams.Count: the matching documents the backend counted and left out of Iter.
+	Counted int64
 }
 
 // Query executes a query against the collection.
@@ -136,6 +149,10 @@
 	Filter *types.Document
 	Sort   *types.Document
 	Limit  int64
+
+	OrderBy    *types.Document // as in QueryParams
+	OrderLimit int64
+	Count      bool
 }
 
 // ExplainResult represents the results of Collection.Explain method.
@@ -144,6 +161,7 @@
 	FilterPushdown bool
 	SortPushdown   bool
 	LimitPushdown  bool
+	CountPushdown  bool // the backend counts matching documents without returning them (QueryParams.Count)
 }
 
 // Explain return a backend-specific execution plan for the given query.
--- a/internal/handler/msg_explain.go
+++ b/internal/handler/msg_explain.go
@@ -90,6 +90,18 @@
 		params.Filter, params.Sort = aggregations.GetPushdownQuery(params.StagesDocs)
 	}
 
+	// A count is explained as it runs (see countMatching); count's filter is its query.
+	var count bool
+
+	switch {
+	case params.Aggregate:
+		_, count = countPipeline(params.StagesDocs)
+	case params.Command.Command() == "count":
+		query, _ := params.Command.Get("query")
+		params.Filter, _ = query.(*types.Document)
+		count = params.Skip == 0 && params.Limit == 0
+	}
+
 	if !h.DisablePushdown {
 		qp.Filter = params.Filter
 	}
@@ -163,6 +175,9 @@
 		qp.Limit = params.Limit
 	}
 
+	qp.OrderBy, qp.OrderLimit = h.orderLimit(params.Filter, qp.Filter, params.Sort, params.Skip, params.Limit)
+	qp.Count = count && !h.DisablePushdown && qp.Filter.Len() == params.Filter.Len()
+
 	res, err := coll.Explain(connCtx, qp)
 	if err != nil {
 		return nil, lazyerrors.Error(err)
@@ -180,6 +195,7 @@
 			"filterPushdown", res.FilterPushdown,
 			"sortPushdown", res.SortPushdown,
 			"limitPushdown", res.LimitPushdown,
+			"countPushdown", res.CountPushdown,
 
 			"ok", float64(1),
 		)),
--- a/internal/handler/msg_find.go
+++ b/internal/handler/msg_find.go
@@ -283,6 +283,8 @@
 		qp.Limit = params.Limit
 	}
 
+	qp.OrderBy, qp.OrderLimit = h.orderLimit(params.Filter, qp.Filter, params.Sort, params.Skip, params.Limit)
+
 	h.L.DebugContext(ctx, fmt.Sprintf("Converted %+v for %+v to %+v.", params, cInfo, qp))
 
 	return qp, nil
--- a/internal/handler/msg_count.go
+++ b/internal/handler/msg_count.go
@@ -18,6 +18,7 @@
 	"context"
 	"errors"
 	"fmt"
+	"math"
 
 	"github.com/FerretDB/wire"
 
@@ -69,6 +70,20 @@
 		qp.Filter = params.Filter
 	}
 
+	if !h.DisablePushdown && params.Skip == 0 && params.Limit == 0 {
+		var n int64
+		if n, err = countMatching(connCtx, c, &qp, params.Filter); err != nil {
+			return nil, lazyerrors.Error(err)
+		}
+
+		var count any = n
+		if n <= math.MaxInt32 {
+			count = int32(n)
+		}
+
+		return documentOpMsg(must.NotFail(types.NewDocument("n", count, "ok", float64(1))))
+	}
+
 	queryRes, err := c.Query(connCtx, &qp)
 	if err != nil {
 		return nil, lazyerrors.Error(err)
--- a/internal/handler/msg_aggregate.go
+++ b/internal/handler/msg_aggregate.go
@@ -350,7 +350,11 @@
 			qp.Sort = sort
 		}
 
-		iter, err = processStagesDocuments(ctx, closer, &stagesDocumentsParams{c, qp, stagesDocuments})
+		if cs, ok := countPipeline(aggregationStages); ok && !h.DisablePushdown && qp.Filter.Len() == filter.Len() {
+			iter, err = countDocuments(ctx, c, qp, filter, cs)
+		} else {
+			iter, err = processStagesDocuments(ctx, closer, &stagesDocumentsParams{c, qp, stagesDocuments})
+		}
 	} else {
 		// TODO https://github.com/FerretDB/FerretDB/issues/2423
 		statistics := stages.GetStatistics(collStatsDocuments)
--- /dev/null
+++ b/internal/handler/orderlimit.go
@@ -0,0 +1,15 @@
+package handler
+
+import "github.com/FerretDB/FerretDB/internal/types"
+
+// orderLimit returns a find's sort and its skip+limit for the backend, which may
+// apply them when it applies the whole filter (see backends.QueryParams.OrderBy): the handler
+// still filters, sorts, skips and limits what it gets. pushed is the filter the backend gets.
+func (h *Handler) orderLimit(filter, pushed, sort *types.Document, skip, limit int64) (*types.Document, int64) {
+	if h.DisablePushdown || limit <= 0 || skip < 0 || sort.Len() == 0 || sort.Keys()[0] == "$natural" ||
+		pushed.Len() != filter.Len() {
+		return nil, 0
+	}
+
+	return sort, skip + limit
+}
--- /dev/null
+++ b/internal/handler/count.go
@@ -0,0 +1,129 @@
+package handler
+
+import (
+	"context"
+	"math"
+
+	"github.com/FerretDB/FerretDB/internal/backends"
+	"github.com/FerretDB/FerretDB/internal/handler/common"
+	"github.com/FerretDB/FerretDB/internal/types"
+	"github.com/FerretDB/FerretDB/internal/util/iterator"
+	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
+	"github.com/FerretDB/FerretDB/internal/util/must"
+)
+
+// Upstream counts by decoding every document the backend returns and checking it against the
+// filter: an unfiltered count (estimatedDocumentCount) decodes the whole collection, and a count
+// on an indexed field every match. count and the pipelines that only count their $match (what
+// countDocuments sends) now ask the backend to count what it can without returning it
+// (backends.QueryParams.Count); the documents it returns are checked and counted here as before.
+
+// countMatching returns how many documents match filter. qp.Filter must be the whole filter.
+func countMatching(ctx context.Context, c backends.Collection, qp *backends.QueryParams, filter *types.Document) (int64, error) { //nolint:lll // for readability
+	qp.Count = true
+
+	res, err := c.Query(ctx, qp)
+	if err != nil {
+		return 0, lazyerrors.Error(err)
+	}
+
+	closer := iterator.NewMultiCloser(res.Iter)
+	defer closer.Close()
+
+	n, err := iterator.ConsumeCount(common.FilterIterator(res.Iter, closer, filter))
+	if err != nil {
+		return 0, err
+	}
+
+	return res.Counted + int64(n), nil
+}
+
+// countStage is the last stage of a pipeline that only counts the documents of its $match.
+type countStage struct {
+	group bool   // {$group: {_id: id, field: {$sum: 1}}}; otherwise {$count: field}
+	id    any    // a constant
+	field string // validated by the stage's parser
+}
+
+// countPipeline recognises [{$match: filter}, {$group: {_id: <constant>, n: {$sum: 1}}}], which
+// countDocuments sends, and [{$match: filter}, {$count: field}].
+func countPipeline(stages []any) (*countStage, bool) {
+	if len(stages) != 2 {
+		return nil, false
+	}
+
+	match, _ := stages[0].(*types.Document)
+	if match == nil || match.Len() != 1 || match.Command() != "$match" {
+		return nil, false
+	}
+
+	if _, ok := must.NotFail(match.Get("$match")).(*types.Document); !ok {
+		return nil, false
+	}
+
+	stage, _ := stages[1].(*types.Document)
+	if stage == nil || stage.Len() != 1 {
+		return nil, false
+	}
+
+	switch stage.Command() {
+	case "$count":
+		field, ok := must.NotFail(stage.Get("$count")).(string)
+		return &countStage{field: field}, ok
+
+	case "$group":
+		group, ok := must.NotFail(stage.Get("$group")).(*types.Document)
+		if !ok || group.Len() != 2 || group.Keys()[0] != "_id" {
+			return nil, false
+		}
+
+		id := must.NotFail(group.Get("_id"))
+		switch id.(type) {
+		case int32, int64, float64, bool, types.NullType:
+		default:
+			return nil, false
+		}
+
+		field := group.Keys()[1]
+
+		sum, ok := must.NotFail(group.Get(field)).(*types.Document)
+		if !ok || sum.Len() != 1 || sum.Command() != "$sum" {
+			return nil, false
+		}
+
+		if one, ok := must.NotFail(sum.Get("$sum")).(int32); !ok || one != 1 {
+			return nil, false
+		}
+
+		return &countStage{group: true, id: id, field: field}, true
+	}
+
+	return nil, false
+}
+
+// countDocuments runs a counting pipeline: what its stages would give for n matches (nothing for
+// none, as $group and $count give nothing for no input; $sum of int32 ones is an int32 until it
+// overflows).
+func countDocuments(ctx context.Context, c backends.Collection, qp *backends.QueryParams, filter *types.Document, s *countStage) (types.DocumentsIterator, error) { //nolint:lll // for readability
+	n, err := countMatching(ctx, c, qp, filter)
+	if err != nil {
+		return nil, err
+	}
+
+	var docs []*types.Document
+
+	if n > 0 {
+		var count any = n
+		if n <= math.MaxInt32 {
+			count = int32(n)
+		}
+
+		if s.group {
+			docs = append(docs, must.NotFail(types.NewDocument("_id", s.id, s.field, count)))
+		} else {
+			docs = append(docs, must.NotFail(types.NewDocument(s.field, count)))
+		}
+	}
+
+	return iterator.Values(iterator.ForSlice(docs)), nil
+}
PATCH
must_contain internal/handler/msg_find.go 'h.orderLimit('
must_contain internal/handler/msg_explain.go 'h.orderLimit('
must_contain internal/handler/msg_explain.go 'countPipeline(params.StagesDocs)'
must_contain internal/handler/msg_count.go 'countMatching(connCtx, c, &qp, params.Filter)'
must_contain internal/handler/msg_aggregate.go 'countDocuments(ctx, c, qp, filter, cs)'
must_contain internal/backends/collection.go 'Counted int64'

# Pushdown. On fields keyed by an index: equality, $eq, $in and $gt/$gte/$lt/$lte on null,
# numbers, strings, ObjectIds, booleans, dates and timestamps; on `_id`, equality, $in and
# ObjectId ranges on its own index; `$and`, and `$or` of such conditions. They become conditions
# SQLite answers from the index. They select what the filter does for documents where the field
# is not an array, and every document where it is one (MongoDB matches arrays by their
# elements), as UNION ALL branches of plain conjunctions so that compound indexes apply; `_id`'s
# index holds its JSON text, so a check of its type makes them exact where that matters. A count
# counts the documents with no array in a filtered field in SQL, without reading them, and
# returns the others. A sort with a limit reads the non-array documents in the first sort field's
# index order, limited (with the ties of the last one on several fields), in the key ranges whose
# order is MongoDB's (and the rest in full); a descending `_id` sort reads ObjectIds from the
# `_id` index. Only when the whole filter was pushed down. Anything else is left to the handler,
# which checks every document again.
apply_patch "pushdown" <<'PATCH'
--- a/internal/backends/sqlite/collection.go
+++ b/internal/backends/sqlite/collection.go
@@ -65,37 +65,44 @@
 		}, nil
 	}
 
-	q := prepareSelectClause(meta.TableName, params.Comment, meta.Capped(), params.OnlyRecordIDs)
-
-	var whereClause string
-	var args []any
+	pq := buildQuery(meta, &queryParams{
+		comment:       params.Comment,
+		filter:        params.Filter,
+		natural:       params.Sort,
+		onlyRecordIDs: params.OnlyRecordIDs,
+		orderBy:       params.OrderBy,
+		orderLimit:    params.OrderLimit,
+		limit:         params.Limit,
+		count:         params.Count,
+	})
 
-	// that logic should exist in one place
-	// TODO https://github.com/FerretDB/FerretDB/issues/3235
-	if params.Filter.Len() == 1 {
-		v, _ := params.Filter.Get("_id")
-		switch v.(type) {
-		case string, types.ObjectID:
-			whereClause = fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn)
-			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
-		}
+	rows, err := db.QueryContext(ctx, pq.q, pq.args...)
+	if err != nil {
+		return nil, lazyerrors.Error(err)
 	}
 
-	q += whereClause
-	q += prepareOrderByClause(params.Sort)
+	var counted int64
 
-	if params.Limit != 0 {
-		q += ` LIMIT ?`
-		args = append(args, params.Limit)
-	}
+	if pq.counted {
+		// The first row is the count of the documents left out; the others follow as (0, document).
+		var doc []byte
 
-	rows, err := db.QueryContext(ctx, q, args...)
-	if err != nil {
-		return nil, lazyerrors.Error(err)
+		if !rows.Next() {
+			err = rows.Err()
+			rows.Close()
+
+			return nil, lazyerrors.Errorf("no count row: %v", err)
+		}
+
+		if err = rows.Scan(&counted, &doc); err != nil || doc != nil {
+			rows.Close()
+			return nil, lazyerrors.Errorf("bad count row: %v", err)
+		}
 	}
 
 	return &backends.QueryResult{
-		Iter: newQueryIterator(ctx, rows, params.OnlyRecordIDs),
+		Iter:    newQueryIterator(ctx, rows, params.OnlyRecordIDs),
+		Counted: counted,
 	}, nil
 }
 
@@ -267,38 +274,19 @@
 		}, nil
 	}
 
-	selectClause := prepareSelectClause(meta.TableName, "", meta.Capped(), false)
-
-	var filterPushdown bool
-	var whereClause string
-	var args []any
-
-	// that logic should exist in one place
-	// TODO https://github.com/FerretDB/FerretDB/issues/3235
-	if params.Filter.Len() == 1 {
-		v, _ := params.Filter.Get("_id")
-		switch v.(type) {
-		case string, types.ObjectID:
-			filterPushdown = true
-			whereClause = fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn)
-			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
-		}
-	}
-
-	orderByClause := prepareOrderByClause(params.Sort)
-	sortPushdown := orderByClause != ""
-
-	q := `EXPLAIN QUERY PLAN ` + selectClause + whereClause + orderByClause
-
-	var limitPushdown bool
-
-	if params.Limit != 0 {
-		q += ` LIMIT ?`
-		args = append(args, params.Limit)
-		limitPushdown = true
-	}
+	pq := buildQuery(meta, &queryParams{
+		filter:     params.Filter,
+		natural:    params.Sort,
+		orderBy:    params.OrderBy,
+		orderLimit: params.OrderLimit,
+		limit:      params.Limit,
+		count:      params.Count,
+	})
+	filterPushdown := pq.filter
+	sortPushdown := prepareOrderByClause(params.Sort) != "" || pq.sortLimit
+	limitPushdown := params.Limit != 0 || pq.sortLimit
 
-	rows, err := db.QueryContext(ctx, q, args...)
+	rows, err := db.QueryContext(ctx, `EXPLAIN QUERY PLAN `+pq.q, pq.args...)
 	if err != nil {
 		return nil, lazyerrors.Error(err)
 	}
@@ -332,6 +320,7 @@
 		FilterPushdown: filterPushdown,
 		SortPushdown:   sortPushdown,
 		LimitPushdown:  limitPushdown,
+		CountPushdown:  pq.counted,
 	}, nil
 }
 
--- /dev/null
+++ b/internal/backends/sqlite/pushdown.go
@@ -0,0 +1,1043 @@
+package sqlite
+
+import (
+	"fmt"
+	"math"
+	"slices"
+	"strings"
+	"time"
+
+	"github.com/FerretDB/FerretDB/internal/backends"
+	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
+	"github.com/FerretDB/FerretDB/internal/handler/sjson"
+	"github.com/FerretDB/FerretDB/internal/types"
+	"github.com/FerretDB/FerretDB/internal/util/must"
+)
+
+// Upstream pushes down only a filter that is exactly one string or ObjectId `_id`; every
+// other query reads and decodes the whole collection. buildQuery also pushes down, on fields
+// that a secondary index keys with metadata.IndexKey, equality, $eq, $in and ranges on null,
+// numbers, strings, ObjectIds, booleans, dates and timestamps; on `_id`, equality and $in of
+// strings and ObjectIds and ranges of ObjectIds on its own index, anything else on its key;
+// and `$and`, and `$or` whose every branch is pushed down whole.
+//
+// The query may select more documents than the filter, never fewer: the handler checks every
+// document again. For a document where a field is not an array, the field's condition selects
+// exactly what the filter does (with its check, for `_id`: see below): keys follow MongoDB's
+// type brackets and order, and equal numbers of any type have equal keys. A document where
+// the field is an array is always selected, as MongoDB matches it by its elements. Other
+// operators and fields without such an index are left to the handler.
+//
+// The `_id` index is on `_id`'s JSON text, in which an ObjectId is its hex in quotes: ordered
+// as MongoDB orders ObjectIds, but a string (or binData, as base64) may have the same text. So
+// a condition on it carries a check of `_id`'s type, added where the query must be exact.
+//
+// The query is a UNION ALL of plain conjunctions, so that SQLite can use compound indexes
+// (in their order): the documents where no filtered field is an array (one conjunction per
+// combination of alternatives, as null is "missing or null"), then, for each filtered field,
+// those where it is the first that is an array (usually an empty index range).
+//
+// Counts (QueryParams.Count): when every filter entry was pushed down, the documents where no
+// filtered field is an array are counted in SQL, exactly, without being read; only those where
+// one is an array are returned, for the handler to check and count.
+//
+// The handler sorts in Go, so a sort only helps with a limit. When the caller asks for a sort
+// and a limit (QueryParams.OrderBy/OrderLimit) and every filter entry was pushed down, the
+// documents where no filtered field is an array are read in the order of the sort's first
+// field, when an index keys it, in the three key ranges whose order is MongoDB's order (null
+// or missing; numbers and strings; ObjectId, bool, date, timestamp): on one field, the first N
+// of each; on several, every document up to and including the first field's value in the Nth
+// (so ties on it are all there for the handler to order by the next fields), and all the
+// documents missing it. The documents whose first sort value is an object, array, binData or
+// regex, or where a filtered field is an array, are all read. MongoDB's first N documents are
+// among those; the handler sorts and limits them.
+//
+// A sort on `_id`, descending, is read from the `_id` index when no secondary index has `_id`
+// after fields the filter fixes: the first N ObjectIds in index order; every `_id` outside
+// the quotes' range (numbers, dates, booleans, objects...); and the other quoted ones (strings,
+// binData, after every ObjectId in that order) only when there were fewer than N ObjectIds.
+
+// pushdownQuery is the SQL for a query and what it pushed down.
+type pushdownQuery struct {
+	q         string
+	args      []any
+	filter    bool
+	sortLimit bool
+	counted   bool // q's first row is the count of the matching documents left out of the others
+}
+
+// queryParams are the parts of backends.QueryParams and backends.ExplainParams buildQuery uses.
+type queryParams struct {
+	comment       string
+	filter        *types.Document
+	natural       *types.Document // $natural
+	onlyRecordIDs bool
+	orderBy       *types.Document
+	orderLimit    int64
+	limit         int64
+	count         bool
+}
+
+// idType is `_id`'s type; `_id` is always there.
+const idType = metadata.DefaultColumn + `->>'$."$s".p._id.t'`
+
+// alt is one of a condition's alternatives, which select disjoint documents.
+type alt struct {
+	sql       string
+	args      []any
+	check     string // with sql, selects exactly the documents the filter entry matches
+	checkArgs []any
+	bracket   byte // the only key bracket it selects (an equality or a range), or 0
+}
+
+func (a alt) where(exact bool) (string, []any) {
+	if !exact || a.check == "" {
+		return a.sql, a.args
+	}
+
+	return a.sql + " AND " + a.check, append(append([]any{}, a.args...), a.checkArgs...)
+}
+
+// condition is the SQL for one filter entry.
+type condition struct {
+	alts    []alt        // any of them; exact (with their checks) where the field is not an array
+	arrays  []fieldArray // where the field (for $or, one of its fields) is an array
+	field   string       // the field whose key it compares
+	idRange bool         // a range of ObjectIds on the `_id` index
+}
+
+// fieldArray selects the documents where a field is an array (its key's bracket), without arguments.
+type fieldArray struct {
+	field string
+	sql   string
+}
+
+// array selects the documents where one of the condition's fields but those of skip is an array;
+// "" when none is left.
+func (c condition) array(skip map[string]bool) string {
+	var sqls []string
+
+	for _, a := range c.arrays {
+		if !skip[a.field] {
+			sqls = append(sqls, a.sql)
+		}
+	}
+
+	switch len(sqls) {
+	case 0:
+		return ""
+	case 1:
+		return sqls[0]
+	default:
+		return "(" + strings.Join(sqls, " OR ") + ")"
+	}
+}
+
+// scalar is false where the field is an array, and exact (if asked) elsewhere.
+func (c condition) scalar(exact bool) (string, []any) {
+	if len(c.alts) == 1 {
+		return c.alts[0].where(exact)
+	}
+
+	sqls := make([]string, len(c.alts))
+	var args []any
+
+	for i, a := range c.alts {
+		sql, aargs := a.where(exact)
+		sqls[i] = "(" + sql + ")"
+		args = append(args, aargs...)
+	}
+
+	return "(" + strings.Join(sqls, " OR ") + ")", args
+}
+
+func (c condition) full(exact bool) (string, []any) {
+	sql, args := c.scalar(exact)
+	if array := c.array(nil); array != "" {
+		return "(" + sql + " OR " + array + ")", args
+	}
+
+	return sql, args
+}
+
+// conjunctions returns the documents where no filtered field is an array as plain
+// conjunctions (one alternative per condition, then extra), which SQLite can answer from a
+// compound index in its order; or as one conjunction of disjunctions when those would be many.
+func conjunctions(conds []condition, extra alt, exact bool) []alt {
+	res := []alt{{}}
+
+	n := 1
+	for _, c := range conds {
+		n *= len(c.alts)
+	}
+
+	for _, c := range conds {
+		alts := c.alts
+		if n > 8 {
+			sql, args := c.scalar(exact)
+			alts = []alt{{sql: sql, args: args}}
+		}
+
+		var next []alt
+
+		for _, r := range res {
+			for _, a := range alts {
+				sql, args := a.where(exact)
+				next = append(next, alt{
+					sql:  strings.TrimPrefix(r.sql+" AND "+sql, " AND "),
+					args: append(append([]any{}, r.args...), args...),
+				})
+			}
+		}
+
+		res = next
+	}
+
+	if extra.sql != "" {
+		for i := range res {
+			res[i].sql = strings.TrimPrefix(res[i].sql+" AND "+extra.sql, " AND ")
+			res[i].args = append(res[i].args, extra.args...)
+		}
+	}
+
+	return res
+}
+
+// likely marks a bound that only keeps to a type bracket: SQLite then takes a filter's own
+// bound on the same key, when there is one, for its index range.
+func likely(sql string) string {
+	return "likely(" + sql + ")"
+}
+
+// keyedFields returns the fields that some secondary index keys with metadata.IndexKey.
+func keyedFields(meta *metadata.Collection) map[string]string {
+	res := map[string]string{}
+
+	for _, index := range meta.Settings.Indexes {
+		if index.Name == backends.DefaultIndexName {
+			continue
+		}
+
+		for _, key := range index.Key {
+			if expr, ok := metadata.IndexKey(key.Field); ok {
+				res[key.Field] = expr
+			}
+		}
+	}
+
+	return res
+}
+
+// fixedFields returns the keyed fields that the filter (or its $and) fixes by equality.
+func fixedFields(filter *types.Document, keyed map[string]string) map[string]bool {
+	res := map[string]bool{}
+
+	for _, k := range filter.Keys() {
+		v := must.NotFail(filter.Get(k))
+
+		if arr, ok := v.(*types.Array); ok && k == "$and" {
+			for i := 0; i < arr.Len(); i++ {
+				if doc, ok := must.NotFail(arr.Get(i)).(*types.Document); ok {
+					for f := range fixedFields(doc, keyed) {
+						res[f] = true
+					}
+				}
+			}
+
+			continue
+		}
+
+		if _, ok := keyed[k]; !ok || k == "_id" {
+			continue
+		}
+
+		if ops, ok := v.(*types.Document); ok {
+			if ops.Len() != 1 || ops.Keys()[0] != "$eq" {
+				continue
+			}
+
+			v = must.NotFail(ops.Get("$eq"))
+		}
+
+		if _, ok := valueKey(v); ok || v == types.Null {
+			res[k] = true
+		}
+	}
+
+	return res
+}
+
+// idIndexed reports whether a secondary index has `_id` right after fields the filter fixes:
+// then `_id`'s order and ranges are read from it, by key, rather than from the `_id` index.
+func idIndexed(meta *metadata.Collection, fixed map[string]bool) bool {
+	for _, index := range meta.Settings.Indexes {
+		if index.Name == backends.DefaultIndexName {
+			continue
+		}
+
+		for _, key := range index.Key {
+			if key.Field == "_id" {
+				return true
+			}
+
+			if !fixed[key.Field] {
+				break
+			}
+		}
+	}
+
+	return false
+}
+
+// builder turns filters into conditions.
+type builder struct {
+	keyed     map[string]string
+	idIndexed bool
+}
+
+// conditions returns the conditions of a filter's entries that are pushed down, and whether
+// all of them were (so that the conditions select exactly what the filter does, with checks).
+func (b *builder) conditions(filter *types.Document, top bool) ([]condition, bool) {
+	var conds []condition
+
+	exact := true
+
+	for _, k := range filter.Keys() {
+		v := must.NotFail(filter.Get(k))
+
+		switch {
+		case k == "$comment" && top:
+		case k == "$and":
+			and, ok := b.and(v)
+			conds = append(conds, and...)
+			exact = exact && ok
+		case k == "$or":
+			c, ok := b.or(v)
+			if ok {
+				conds = append(conds, c)
+			}
+
+			exact = exact && ok
+		case strings.HasPrefix(k, "$"):
+			exact = false
+		default:
+			c, ok := b.fieldCondition(k, v)
+			if ok {
+				conds = append(conds, c)
+			}
+
+			exact = exact && ok
+		}
+	}
+
+	return conds, exact
+}
+
+// and returns the conditions of every branch; none for a malformed $and (the handler's error).
+func (b *builder) and(v any) ([]condition, bool) {
+	arr, ok := v.(*types.Array)
+	if !ok || arr.Len() == 0 {
+		return nil, false
+	}
+
+	var conds []condition
+
+	exact := true
+
+	for i := 0; i < arr.Len(); i++ {
+		doc, ok := must.NotFail(arr.Get(i)).(*types.Document)
+		if !ok {
+			return nil, false
+		}
+
+		c, ok := b.conditions(doc, false)
+		conds = append(conds, c...)
+		exact = exact && ok
+	}
+
+	return conds, exact
+}
+
+// or returns the condition of an $or whose every branch is pushed down whole: exact where
+// none of its fields is an array, false where one is, and its array part selects all those.
+func (b *builder) or(v any) (condition, bool) {
+	arr, ok := v.(*types.Array)
+	if !ok || arr.Len() == 0 {
+		return condition{}, false
+	}
+
+	var branches []string
+	var args []any
+	var arrays []fieldArray
+
+	for i := 0; i < arr.Len(); i++ {
+		doc, ok := must.NotFail(arr.Get(i)).(*types.Document)
+		if !ok {
+			return condition{}, false
+		}
+
+		conds, exact := b.conditions(doc, false)
+		if !exact || len(conds) == 0 {
+			return condition{}, false
+		}
+
+		parts := make([]string, len(conds))
+
+		for j, c := range conds {
+			sql, cargs := c.scalar(true)
+			parts[j] = "(" + sql + ")"
+			args = append(args, cargs...)
+
+			for _, a := range c.arrays {
+				if !slices.Contains(arrays, a) {
+					arrays = append(arrays, a)
+				}
+			}
+		}
+
+		branches = append(branches, "("+strings.Join(parts, " AND ")+")")
+	}
+
+	c := condition{arrays: arrays}
+
+	sql := "(" + strings.Join(branches, " OR ") + ")"
+	if array := c.array(nil); array != "" {
+		// A missing field's key is NULL, and so is its array test.
+		sql += " AND NOT ifnull(" + array + ", 0)"
+	}
+
+	c.alts = []alt{{sql: sql, args: args}}
+
+	return c, true
+}
+
+// buildQuery returns the query for the given parameters.
+// orderBy (1 or -1 per field) and orderLimit are applied only when that is safe.
+func buildQuery(meta *metadata.Collection, p *queryParams) *pushdownQuery {
+	b := &builder{keyed: keyedFields(meta)}
+	exact := true
+
+	var conds []condition
+
+	if p.filter != nil {
+		b.idIndexed = idIndexed(meta, fixedFields(p.filter, b.keyed))
+		conds, exact = b.conditions(p.filter, true)
+	}
+
+	res := &pushdownQuery{filter: len(conds) > 0}
+	selectClause := prepareSelectClause(meta.TableName, p.comment, meta.Capped(), p.onlyRecordIDs)
+
+	// Capped collections keep upstream's single query, in record order.
+	if meta.Capped() || p.natural.Len() != 0 || p.onlyRecordIDs || p.limit != 0 {
+		var where []string
+
+		for _, c := range conds {
+			sql, args := c.full(false)
+			where = append(where, sql)
+			res.args = append(res.args, args...)
+		}
+
+		res.q = selectClause + whereClause(where) + prepareOrderByClause(p.natural)
+
+		if p.limit != 0 {
+			res.q += ` LIMIT ?`
+			res.args = append(res.args, p.limit)
+		}
+
+		return res
+	}
+
+	var branches []string
+
+	branch := func(q string, args ...any) {
+		branches = append(branches, `SELECT * FROM (`+q+`)`)
+		res.args = append(res.args, args...)
+	}
+
+	// Branches with plain conjunctions let SQLite use compound indexes: the documents where no
+	// filtered field is an array, then those where field i is the first that is.
+	// Each document is in one branch at most.
+	// A field that an earlier condition requires not to be an array needs no branch of its own.
+	arrays := func(where []string, args []any) {
+		scalars := map[string]bool{}
+
+		for i := range conds {
+			array := conds[i].array(scalars)
+
+			for _, a := range conds[i].arrays {
+				scalars[a.field] = true
+			}
+
+			if array == "" {
+				continue
+			}
+
+			w, a := append([]string{}, where...), append([]any{}, args...)
+
+			for j, c := range conds {
+				switch {
+				case j < i:
+					sql, cargs := c.scalar(false)
+					w = append(w, sql)
+					a = append(a, cargs...)
+				case j == i:
+					w = append(w, array)
+				default:
+					sql, cargs := c.full(false)
+					w = append(w, sql)
+					a = append(a, cargs...)
+				}
+			}
+
+			branch(selectClause+whereClause(w), a...)
+		}
+	}
+
+	if p.count && exact {
+		// The count comes first, as the row (n, NULL); the documents to check follow as (0, doc).
+		res.counted = true
+
+		var counts []string
+
+		for _, m := range conjunctions(conds, alt{}, true) {
+			counts = append(counts, fmt.Sprintf(`(SELECT count(*) FROM %q%s)`, meta.TableName, whereClause(nonEmpty(m.sql))))
+			res.args = append(res.args, m.args...)
+		}
+
+		res.q = fmt.Sprintf(`SELECT %s AS %s, NULL AS %s`, strings.Join(counts, " + "), metadata.RecordIDColumn, metadata.DefaultColumn)
+
+		arrays(nil, nil)
+
+		if len(branches) > 0 {
+			res.q += fmt.Sprintf(` UNION ALL SELECT 0, %s FROM (%s)`, metadata.DefaultColumn, strings.Join(branches, ` UNION ALL `))
+		}
+
+		return res
+	}
+
+	var sortExpr, sortField, order string
+	var idOrder, several bool
+
+	if p.orderBy.Len() > 0 && p.orderLimit > 0 && exact {
+		field := p.orderBy.Keys()[0]
+		desc := must.NotFail(p.orderBy.Get(field)).(int64) == -1
+		sortField = field
+
+		if desc {
+			order = " DESC"
+		}
+
+		switch {
+		case field == "_id" && !b.idIndexed:
+			idOrder = desc
+		case field == "_id":
+			sortExpr, _ = metadata.IndexKey(field) // `_id` is unique: no ties for further fields
+		default:
+			sortExpr = b.keyed[field]
+			several = p.orderBy.Len() > 1
+		}
+
+		res.sortLimit = sortExpr != "" || idOrder
+	}
+
+	if !res.sortLimit {
+		mains := conjunctions(conds, alt{}, false)
+		for _, m := range mains {
+			branch(selectClause+whereClause(nonEmpty(m.sql)), m.args...)
+		}
+
+		arrays(nil, nil)
+
+		if len(branches) == 1 {
+			res.q = selectClause + whereClause(nonEmpty(mains[0].sql))
+		} else {
+			res.q = strings.Join(branches, ` UNION ALL `)
+		}
+
+		return res
+	}
+
+	if idOrder {
+		// The `_id` index's range of quoted texts holds strings, ObjectIds and binData.
+		quoted := metadata.IDColumn + ` >= '"' AND ` + metadata.IDColumn + ` < '#'`
+		objectID := idType + ` = 'objectId'`
+		ranged := slices.ContainsFunc(conds, func(c condition) bool { return c.idRange })
+
+		for _, m := range conjunctions(conds, alt{}, true) {
+			if ranged {
+				// Only ObjectIds, already bounded.
+				branch(selectClause+whereClause([]string{m.sql})+` ORDER BY `+metadata.IDColumn+` DESC LIMIT ?`, append(m.args, p.orderLimit)...)
+				continue
+			}
+
+			head := append(nonEmpty(m.sql), quoted, objectID)
+			branch(selectClause+whereClause(head)+` ORDER BY `+metadata.IDColumn+` DESC LIMIT ?`, append(m.args, p.orderLimit)...)
+			branch(selectClause+whereClause(append(nonEmpty(m.sql), metadata.IDColumn+` < '"'`)), m.args...)
+			branch(selectClause+whereClause(append(nonEmpty(m.sql), metadata.IDColumn+` >= '#'`)), m.args...)
+
+			// The other quoted ones only when the head is short: its count is the outer loop
+			// (CROSS JOIN keeps it there), so that no row is read when it is not.
+			q := fmt.Sprintf(
+				`SELECT %s FROM (SELECT count(*) AS _ferretdb_head FROM (SELECT 1 FROM %q%s LIMIT ?)) CROSS JOIN %q%s`,
+				metadata.DefaultColumn, meta.TableName, whereClause(head), meta.TableName,
+				whereClause(append(nonEmpty(m.sql), `_ferretdb_head < ?`, quoted, `NOT `+objectID)),
+			)
+			branch(q, append(append(append(append([]any{}, m.args...), p.orderLimit), m.args...), p.orderLimit)...)
+		}
+
+		arrays(nil, nil)
+
+		res.q = strings.Join(branches, ` UNION ALL `)
+
+		return res
+	}
+
+	// Up to the first field's value in the Nth document, ties included: the first N and as many
+	// more as have the Nth's value. (A bound on the value instead could let SQLite start its
+	// index range from another bound.)
+	bounded := func(where string, args []any) {
+		nth := fmt.Sprintf(`SELECT %s FROM %q WHERE %s ORDER BY %s%s LIMIT 1 OFFSET ?`,
+			sortExpr, meta.TableName, where, sortExpr, order)
+		ties := fmt.Sprintf(`SELECT count(*) FROM %q WHERE %s AND %s = (%s)`, meta.TableName, where, sortExpr, nth)
+		args = append(append(append(append([]any{}, args...), p.orderLimit), args...), args...)
+		branch(selectClause+whereClause([]string{where})+fmt.Sprintf(` ORDER BY %s%s LIMIT ? + (%s)`, sortExpr, order, ties),
+			append(args, p.orderLimit-1)...)
+	}
+
+	// A filter on the sort field that keeps it to one type bracket (an equality or a range)
+	// selects neither missing values nor those out of MongoDB's order: one branch, bounded by the
+	// filter alone, as two bounds on one key could let SQLite start from the looser one.
+	if sortBracket(conds, sortField) != 0 {
+		for _, m := range conjunctions(conds, alt{}, true) {
+			if several {
+				bounded(m.sql, m.args)
+			} else {
+				branch(selectClause+whereClause([]string{m.sql})+fmt.Sprintf(` ORDER BY %s%s LIMIT ?`, sortExpr, order), append(m.args, p.orderLimit)...)
+			}
+		}
+
+		arrays(nil, nil)
+
+		res.q = strings.Join(branches, ` UNION ALL `)
+
+		return res
+	}
+
+	// The ranges of keys where the key order is MongoDB's order, then those where it is not.
+	ordered := []struct {
+		sql  string
+		args []any
+	}{
+		{sortExpr + ` IS NULL`, nil},
+		{sortExpr + ` < ?`, []any{[]byte{metadata.KeyObject}}},
+		{sortExpr + ` >= ? AND ` + sortExpr + ` < ?`, []any{[]byte{metadata.KeyObjectID}, []byte{metadata.KeyRegex}}},
+	}
+
+	for i, r := range ordered {
+		for _, m := range conjunctions(conds, alt{sql: r.sql, args: r.args}, true) {
+			q := selectClause + whereClause([]string{m.sql})
+
+			switch {
+			case !several && i == 0: // nulls and missing fields tie
+				branch(q+` LIMIT ?`, append(m.args, p.orderLimit)...)
+			case !several:
+				branch(q+fmt.Sprintf(` ORDER BY %s%s LIMIT ?`, sortExpr, order), append(m.args, p.orderLimit)...)
+			case i == 0: // all tie on the first field
+				branch(q, m.args...)
+			default:
+				bounded(m.sql, m.args)
+			}
+		}
+	}
+
+	unordered := fmt.Sprintf(`(%[1]s >= ? AND %[1]s < ? OR %[1]s >= ?)`, sortExpr)
+	unorderedArgs := []any{[]byte{metadata.KeyObject}, []byte{metadata.KeyObjectID}, []byte{metadata.KeyRegex}}
+
+	{
+		where, args := []string{unordered}, append([]any{}, unorderedArgs...)
+
+		for _, c := range conds {
+			sql, cargs := c.scalar(false)
+			where = append(where, sql)
+			args = append(args, cargs...)
+		}
+
+		branch(selectClause+whereClause(where), args...)
+		arrays([]string{unordered}, unorderedArgs)
+	}
+
+	notUnordered := fmt.Sprintf(`(%[1]s IS NULL OR %[1]s < ? OR %[1]s >= ? AND %[1]s < ?)`, sortExpr)
+	arrays([]string{notUnordered}, unorderedArgs)
+
+	res.q = strings.Join(branches, ` UNION ALL `)
+
+	return res
+}
+
+// sortBracket returns the one key bracket that the conditions on the sort field keep it to, or 0.
+func sortBracket(conds []condition, field string) byte {
+	var bracket byte
+
+	for _, c := range conds {
+		if c.field != field {
+			continue
+		}
+
+		if len(c.alts) != 1 || c.alts[0].bracket == 0 || bracket != 0 && bracket != c.alts[0].bracket {
+			return 0
+		}
+
+		bracket = c.alts[0].bracket
+	}
+
+	return bracket
+}
+
+func nonEmpty(sql string) []string {
+	if sql == "" {
+		return nil
+	}
+
+	return []string{sql}
+}
+
+func whereClause(where []string) string {
+	if len(where) == 0 {
+		return ""
+	}
+
+	return ` WHERE ` + strings.Join(where, ` AND `)
+}
+
+// fieldCondition returns the condition for one filter entry, or false if it is not pushed down.
+func (b *builder) fieldCondition(field string, v any) (condition, bool) {
+	if field == "_id" {
+		return b.idCondition(v)
+	}
+
+	expr, ok := b.keyed[field]
+	if !ok {
+		return condition{}, false
+	}
+
+	c, ok := keyCondition(expr, v)
+	c.field = field
+	c.arrays = []fieldArray{{
+		field: field,
+		sql:   fmt.Sprintf(`(%[1]s >= x'%02[2]x' AND %[1]s < x'%02[3]x')`, expr, metadata.KeyArray, metadata.KeyArray+1),
+	}}
+
+	return c, ok
+}
+
+// idCondition: equality and $in of strings and ObjectIds are lookups in the `_id` index, and so
+// are ranges of ObjectIds unless a secondary index serves `_id` (idIndexed). Anything else
+// compares `_id`'s key: from such an index, or computed for each row. It is never an array.
+func (b *builder) idCondition(v any) (condition, bool) {
+	if c, ok := idLookup(v); ok {
+		return c, true
+	}
+
+	if !b.idIndexed {
+		if c, ok := idRange(v); ok {
+			return c, true
+		}
+	}
+
+	expr, _ := metadata.IndexKey("_id")
+	c, ok := keyCondition(expr, v)
+	c.field = "_id"
+
+	return c, ok
+}
+
+// idText returns the `_id` index's text of a string or an ObjectId, and its type.
+func idText(v any) (string, string, bool) {
+	switch v.(type) {
+	case string:
+		return string(must.NotFail(sjson.MarshalSingleValue(v))), "string", true
+	case types.ObjectID:
+		return string(must.NotFail(sjson.MarshalSingleValue(v))), "objectId", true
+	}
+
+	return "", "", false
+}
+
+// idLookup is `_id` equality or $in of strings and ObjectIds.
+func idLookup(v any) (condition, bool) {
+	if s, t, ok := idText(v); ok {
+		return condition{alts: []alt{{
+			sql:   metadata.IDColumn + ` = ?`,
+			args:  []any{s},
+			check: idType + ` = '` + t + `'`,
+		}}}, true
+	}
+
+	ops, ok := v.(*types.Document)
+	if !ok || ops.Len() != 1 {
+		return condition{}, false
+	}
+
+	if ops.Keys()[0] == "$eq" {
+		if _, _, ok = idText(must.NotFail(ops.Get("$eq"))); ok {
+			return idLookup(must.NotFail(ops.Get("$eq")))
+		}
+
+		return condition{}, false
+	}
+
+	if ops.Keys()[0] != "$in" {
+		return condition{}, false
+	}
+
+	arr, ok := must.NotFail(ops.Get("$in")).(*types.Array)
+	if !ok {
+		return condition{}, false
+	}
+
+	var args []any
+
+	byType := map[string][]any{}
+
+	for i := 0; i < arr.Len(); i++ {
+		s, t, ok := idText(must.NotFail(arr.Get(i)))
+		if !ok {
+			return condition{}, false
+		}
+
+		args = append(args, s)
+		byType[t] = append(byType[t], s)
+	}
+
+	a := alt{sql: metadata.IDColumn + ` IN (` + placeholders(len(args)) + `)`, args: args}
+
+	var checks []string
+
+	for _, t := range []string{"objectId", "string"} {
+		if texts := byType[t]; len(texts) > 0 {
+			checks = append(checks, fmt.Sprintf(`%s = '%s' AND %s IN (%s)`, idType, t, metadata.IDColumn, placeholders(len(texts))))
+			a.checkArgs = append(a.checkArgs, texts...)
+		}
+	}
+
+	if len(checks) > 0 {
+		a.check = "(" + strings.Join(checks, " OR ") + ")"
+	}
+
+	return condition{alts: []alt{a}}, true
+}
+
+// idRange is a range of ObjectIds, in the `_id` index's range of quoted texts.
+func idRange(v any) (condition, bool) {
+	ops, ok := v.(*types.Document)
+	if !ok || ops.Len() == 0 {
+		return condition{}, false
+	}
+
+	var parts []string
+	var args []any
+	var lower, upper bool
+
+	for _, op := range ops.Keys() {
+		s, t, ok := idText(must.NotFail(ops.Get(op)))
+		if !ok || t != "objectId" {
+			return condition{}, false
+		}
+
+		switch op {
+		case "$gt":
+			parts, lower = append(parts, metadata.IDColumn+` > ?`), true
+		case "$gte":
+			parts, lower = append(parts, metadata.IDColumn+` >= ?`), true
+		case "$lt":
+			parts, upper = append(parts, metadata.IDColumn+` < ?`), true
+		case "$lte":
+			parts, upper = append(parts, metadata.IDColumn+` <= ?`), true
+		default:
+			return condition{}, false
+		}
+
+		args = append(args, s)
+	}
+
+	if !lower {
+		parts = append(parts, likely(metadata.IDColumn+` >= '"'`))
+	}
+
+	if !upper {
+		parts = append(parts, likely(metadata.IDColumn+` < '#'`))
+	}
+
+	return condition{
+		alts:    []alt{{sql: strings.Join(parts, " AND "), args: args, check: idType + ` = 'objectId'`}},
+		idRange: true,
+	}, true
+}
+
+// keyCondition is the condition on a field's key expr (without its array part).
+func keyCondition(expr string, v any) (condition, bool) {
+	var c condition
+
+	ops, isDoc := v.(*types.Document)
+	if !isDoc {
+		var ok bool
+		c.alts, ok = equal(expr, v)
+
+		return c, ok
+	}
+
+	if ops.Len() == 0 {
+		return condition{}, false
+	}
+
+	var parts []condition
+
+	for _, op := range ops.Keys() {
+		arg := must.NotFail(ops.Get(op))
+
+		var alts []alt
+		var ok bool
+
+		switch op {
+		case "$eq":
+			alts, ok = equal(expr, arg)
+		case "$in":
+			alts, ok = in(expr, arg)
+		case "$gt", "$gte", "$lt", "$lte":
+			alts, ok = compare(expr, op, arg)
+		default:
+			ok = false
+		}
+
+		if !ok {
+			return condition{}, false
+		}
+
+		parts = append(parts, condition{alts: alts})
+	}
+
+	if len(parts) == 1 {
+		c.alts = parts[0].alts
+		return c, true
+	}
+
+	var and alt
+
+	for i, part := range parts {
+		sql, args := part.scalar(false)
+		and.sql = strings.TrimPrefix(and.sql+" AND "+sql, " AND ")
+		and.args = append(and.args, args...)
+
+		switch b := part.alts[0].bracket; {
+		case len(part.alts) != 1 || b == 0 || i > 0 && b != and.bracket:
+			and.bracket = 0
+		case i == 0:
+			and.bracket = b
+		}
+	}
+
+	c.alts = []alt{{sql: "(" + and.sql + ")", args: and.args, bracket: and.bracket}}
+
+	return c, true
+}
+
+func placeholders(n int) string {
+	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
+}
+
+// valueKey returns the index key of a filter value, or false for the types not pushed down.
+func valueKey(v any) ([]byte, bool) {
+	switch v := v.(type) {
+	case float64:
+		if math.IsNaN(v) {
+			return nil, false
+		}
+
+		return metadata.FloatKey(v), true
+	case int32:
+		return metadata.IntKey(int64(v)), true
+	case int64:
+		return metadata.IntKey(v), true
+	case string:
+		return metadata.StringKey(v), true
+	case types.ObjectID:
+		return metadata.ObjectIDKey(v), true
+	case bool:
+		return metadata.BoolKey(v), true
+	case time.Time:
+		return metadata.DateKey(v.UnixMilli()), true
+	case types.Timestamp:
+		return metadata.TimestampKey(uint64(v)), true
+	}
+
+	return nil, false
+}
+
+// equal is {field: v}: null matches null and missing.
+func equal(expr string, v any) ([]alt, bool) {
+	if v == types.Null {
+		return []alt{{sql: expr + ` IS NULL`}, {sql: expr + ` = ?`, args: []any{[]byte{metadata.KeyNull}}}}, true
+	}
+
+	k, ok := valueKey(v)
+	if !ok {
+		return nil, false
+	}
+
+	return []alt{{sql: expr + ` = ?`, args: []any{k}, bracket: k[0]}}, true
+}
+
+func in(expr string, v any) ([]alt, bool) {
+	arr, ok := v.(*types.Array)
+	if !ok {
+		return nil, false
+	}
+
+	var args []any
+	var null bool
+
+	for i := 0; i < arr.Len(); i++ {
+		e := must.NotFail(arr.Get(i))
+		if e == types.Null {
+			null = true
+			args = append(args, []byte{metadata.KeyNull})
+
+			continue
+		}
+
+		k, ok := valueKey(e)
+		if !ok {
+			return nil, false
+		}
+
+		args = append(args, k)
+	}
+
+	res := []alt{{sql: expr + ` IN (` + placeholders(len(args)) + `)`, args: args}}
+	if null {
+		res = append([]alt{{sql: expr + ` IS NULL`}}, res...)
+	}
+
+	return res, true
+}
+
+// compare is a range within the value's type bracket, as in MongoDB.
+func compare(expr, op string, v any) ([]alt, bool) {
+	k, ok := valueKey(v)
+	if !ok {
+		return nil, false
+	}
+
+	start, end := []byte{k[0]}, metadata.KeyBracketEnd(k[0])
+
+	switch op {
+	case "$gt":
+		return []alt{{sql: fmt.Sprintf(`%[1]s > ? AND likely(%[1]s < ?)`, expr), args: []any{k, end}, bracket: k[0]}}, true
+	case "$gte":
+		return []alt{{sql: fmt.Sprintf(`%[1]s >= ? AND likely(%[1]s < ?)`, expr), args: []any{k, end}, bracket: k[0]}}, true
+	case "$lt":
+		return []alt{{sql: fmt.Sprintf(`%[1]s < ? AND likely(%[1]s >= ?)`, expr), args: []any{k, start}, bracket: k[0]}}, true
+	default:
+		return []alt{{sql: fmt.Sprintf(`%[1]s <= ? AND likely(%[1]s >= ?)`, expr), args: []any{k, start}, bracket: k[0]}}, true
+	}
+}
PATCH
[ "$(grep -c 'buildQuery(meta, ' "$work/internal/backends/sqlite/collection.go")" = 2 ] \
  || { echo "install-ferretdb: the pushdown patch did not reach Query and Explain" >&2; exit 1; }
must_contain internal/backends/sqlite/collection.go 'Counted: counted'
must_contain internal/backends/sqlite/collection.go 'CountPushdown:  pq.counted'

# $setOnInsert with null or an empty array. Upstream skips such values when an upsert inserts,
# so `{ $setOnInsert: { clearedAt: null } }` stores no clearedAt at all, while MongoDB stores
# clearedAt: null (a store that reads the field back, or a unique index over it, then sees
# another document than on MongoDB). They are set like any other value.
apply_patch "setOnInsert null" <<'PATCH'
--- a/internal/handler/common/update.go
+++ b/internal/handler/common/update.go
@@ -399,16 +399,8 @@
 // processSetFieldExpression changes document according to $set and $setOnInsert operators.
 // If the document was changed it returns true.
 func processSetFieldExpression(command string, doc *types.Document, setKey string, setValue any, setOnInsert bool) (bool, error) {
-	if setOnInsert {
-		// $setOnInsert do not set null and empty array value.
-		if _, ok := setValue.(types.NullType); ok {
-			return false, nil
-		}
-
-		if arr, ok := setValue.(*types.Array); ok && arr.Len() == 0 {
-			return false, nil
-		}
-	}
+	// clutch: $setOnInsert sets null and empty arrays too, as MongoDB does.
+	_ = setOnInsert
 
 	// setKey has valid path, checked in ValidateUpdateOperators.
 	path := must.NotFail(types.NewPathFromString(setKey))
PATCH
must_contain internal/handler/common/update.go 'clutch: \$setOnInsert sets null'

# A write queue. SQLite takes one writer at a time per database file (a subgraph's collections
# share one file); a writer that finds the lock taken sleeps in SQLite's busy handler, up to
# 100 ms a turn, and does not notice when the lock frees. Under concurrent writes the file then
# sits idle while writers sleep: FerretDB used 0.3 to 0.5 of a core while telemetry's statements
# waited 100 to 200 ms each. Each database's transactions and single statements that write
# (fsql's InTransaction and ExecContext; reads use QueryContext and are not queued) take a Go
# mutex first, so the next writer starts as soon as the last commits. `CLUTCH_SQLITE_WRITE_QUEUE=off`
# in FerretDB's environment turns it off, the baseline of `npm run bench:storage -- --writers`.
apply_patch "write queue" <<'PATCH'
--- a/internal/util/fsql/db.go
+++ b/internal/util/fsql/db.go
@@ -20,6 +20,8 @@
 	"database/sql"
 	"fmt"
 	"log/slog"
+	"os"
+	"sync"
 	"time"
 
 	"github.com/prometheus/client_golang/prometheus"
@@ -40,6 +42,24 @@
 	l         *slog.Logger
 	token     *resource.Token
 	BatchSize int
+
+	// clutch: one writer at a time per database file, queued here, so that the next starts as
+	// soon as the last commits instead of sleeping in SQLite's busy handler.
+	writes      sync.Mutex
+	queueWrites bool
+}
+
+// clutch: CLUTCH_SQLITE_WRITE_QUEUE=off leaves writers to SQLite's busy handler (a baseline).
+var queueWrites = os.Getenv("CLUTCH_SQLITE_WRITE_QUEUE") != "off"
+
+func (db *DB) lockWrites() func() {
+	if !db.queueWrites {
+		return func() {}
+	}
+
+	db.writes.Lock()
+
+	return db.writes.Unlock
 }
 
 // WrapDB creates a new DB.
@@ -56,6 +76,7 @@
 		sqlDB:            db,
 		l:                logging.WithName(l, name),
 		token:            resource.NewToken(),
+		queueWrites:      queueWrites,
 	}
 
 	resource.Track(res, res.token)
@@ -111,7 +132,9 @@
 	fields := []any{slog.Any("args", args)}
 	db.l.With(fields...).DebugContext(ctx, fmt.Sprintf(">>> %s", query))
 
+	unlock := db.lockWrites()
 	res, err := db.sqlDB.ExecContext(ctx, query, args...)
+	unlock()
 
 	if res != nil {
 		ra, _ := res.RowsAffected()
@@ -128,6 +151,8 @@
 //
 // If f returns an error or context is canceled, the transaction is rolled back.
 func (db *DB) InTransaction(ctx context.Context, f func(*Tx) error) (err error) {
+	defer db.lockWrites()()
+
 	var sqlTx *sql.Tx
 
 	if sqlTx, err = db.sqlDB.BeginTx(ctx, nil); err != nil {
PATCH
must_contain internal/util/fsql/db.go 'CLUTCH_SQLITE_WRITE_QUEUE'

# Deletes in batches. A delete of many documents hands every matched id to one SQL statement,
# and SQLite refuses a statement with more than 32,766 variables: deleteMany over more
# documents failed with "too many SQL variables" (telemetry's retention, a benchmark's clean-up).
# The ids go in statements of at most 10,000.
apply_patch "delete batches" <<'PATCH'
--- a/internal/backends/sqlite/collection.go
+++ b/internal/backends/sqlite/collection.go
@@ -194,6 +194,9 @@
 	return &res, nil
 }
 
+// clutch: ids deleted by one statement.
+const deleteBatchSize = 10000
+
 // DeleteAll implements backends.Collection interface.
 func (c *collection) DeleteAll(ctx context.Context, params *backends.DeleteAllParams) (*backends.DeleteAllResult, error) {
 	db := c.r.DatabaseGetExisting(ctx, c.dbName)
@@ -234,20 +237,28 @@
 		column = metadata.RecordIDColumn
 	}
 
-	q := fmt.Sprintf(`DELETE FROM %q WHERE %s IN (%s)`, meta.TableName, column, strings.Join(placeholders, ", "))
+	// clutch: at most deleteBatchSize ids a statement; SQLite refuses more than 32,766 variables.
+	var deleted int64
 
-	res, err := db.ExecContext(ctx, q, args...)
-	if err != nil {
-		return nil, lazyerrors.Error(err)
-	}
+	for start := 0; start < len(args); start += deleteBatchSize {
+		end := min(start+deleteBatchSize, len(args))
+		q := fmt.Sprintf(`DELETE FROM %q WHERE %s IN (%s)`, meta.TableName, column, strings.Join(placeholders[start:end], ", "))
+
+		res, err := db.ExecContext(ctx, q, args[start:end]...)
+		if err != nil {
+			return nil, lazyerrors.Error(err)
+		}
+
+		ra, err := res.RowsAffected()
+		if err != nil {
+			return nil, lazyerrors.Error(err)
+		}
 
-	ra, err := res.RowsAffected()
-	if err != nil {
-		return nil, lazyerrors.Error(err)
+		deleted += ra
 	}
 
 	return &backends.DeleteAllResult{
-		Deleted: int32(ra),
+		Deleted: int32(deleted),
 	}, nil
 }
 
PATCH
must_contain internal/backends/sqlite/collection.go 'deleteBatchSize = 10000'

# $group accumulators. The group's documents went to the accumulators through one iterator, which
# the first consumed: every later accumulator saw an empty group, so in
# { count: { $sum: 1 }, total: { $sum: '$stars' } } the total was 0. Each gets an iterator of
# its own (platform/mongo/group-accumulators.integration.test.ts).
apply_patch "group accumulators" <<'PATCH'
--- a/internal/handler/common/aggregations/stages/group.go
+++ b/internal/handler/common/aggregations/stages/group.go
@@ -128,11 +128,12 @@
 	for _, groupedDocument := range groupedDocuments {
 		doc := must.NotFail(types.NewDocument("_id", groupedDocument.groupID))
 
-		groupIter := iterator.Values(iterator.ForSlice(groupedDocument.documents))
-		defer groupIter.Close()
-
 		for _, accumulation := range g.groupBy {
+			// clutch: each accumulator reads the group from its start; one iterator shared by all
+			// left every accumulator after the first an empty group (a second $sum gave 0).
+			groupIter := iterator.Values(iterator.ForSlice(groupedDocument.documents))
 			out, err := accumulation.accumulator.Accumulate(groupIter)
+			groupIter.Close()
 			if err != nil {
 				// existing accumulators do not return error
 				return nil, processGroupStageError(err)
PATCH
must_contain internal/handler/common/aggregations/stages/group.go 'each accumulator reads the group from its start'

# Resource tracking. Every iterator, cursor and query is registered in a pprof profile with its
# stack and given a finalizer, to find leaks in FerretDB's own debug builds: a tenth of the
# database's time on a nearby search (its CPU profile). Off unless FerretDB is built for debugging.
apply_patch "no resource tracking" <<'PATCH'
--- a/internal/util/resource/resource.go
+++ b/internal/util/resource/resource.go
@@ -52,6 +52,12 @@
 func Track(obj any, token *Token) {
 	checkArgs(obj, token)
 
+	// clutch: tracking is a debugging aid (a pprof entry with a stack and a finalizer per
+	// iterator); it was a tenth of the database's time on a nearby search.
+	if !debugbuild.Enabled {
+		return
+	}
+
 	name := profileName(obj)
 
 	// fast path
@@ -96,6 +102,10 @@
 func Untrack(obj any, token *Token) {
 	checkArgs(obj, token)
 
+	if !debugbuild.Enabled {
+		return
+	}
+
 	p := pprof.Lookup(profileName(obj))
 	if p == nil {
 		panic("object is not tracked")
PATCH
must_contain internal/util/resource/resource.go 'tracking is a debugging aid'
fi
mkdir -p "$(dirname "$bin")"
# Built beside it and renamed into place, so that a database starting meanwhile never runs a
# half-written binary.
(cd "$work" && go build -trimpath -o "$bin.new" ./cmd/ferretdb)
mv -f "$bin.new" "$bin"
version_line="$(installed_version)"
echo "${version_line%%$'\n'*}" >&2
