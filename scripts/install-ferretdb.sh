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
# Three more patches make the SQLite backend use secondary indexes (upstream uses only `_id`'s;
# every other filter, sort or $in read and decoded the whole collection: 723 ms for one
# equality at 20,000 documents). Each is explained where it is applied below:
#   - index keys: secondary indexes on top-level fields key a value by MongoDB's order;
#   - sort and limit: find and explain hand a one-field sort and skip+limit to the backend;
#   - pushdown: equality, $in, ranges and sort+limit become index searches, as a superset of
#     the filter that the handler checks again.
# A data directory written by this build needs it (its indexes call a function of this build);
# one written by an earlier build has its indexes rebuilt once, when it is opened.
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
  VERSION="$UPSTREAM-clutch.4"
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

# Sort and limit. The handler sorts and limits in Go and gives the backend neither, so a
# backend can never stop early. find and explain now also pass a sort on one field with
# skip+limit (QueryParams.OrderBy/OrderLimit), only when the backend receives the whole filter
# (no dotted key was held back); the handler still filters, sorts, skips and limits the result.
apply_patch "sort and limit" <<'PATCH'
--- a/internal/backends/collection.go
+++ b/internal/backends/collection.go
@@ -79,6 +79,11 @@ type QueryParams struct {
 	Sort   *types.Document
 	Limit  int64
 
+	// The find's sort on one field (1 or -1) and skip+limit, which a backend may apply only
+	// when it applies the whole filter; the handler sorts and limits again.
+	OrderBy    *types.Document
+	OrderLimit int64
+
 	OnlyRecordIDs bool
 	Comment       string
 }
@@ -136,6 +141,9 @@ type ExplainParams struct {
 	Filter *types.Document
 	Sort   *types.Document
 	Limit  int64
+
+	OrderBy    *types.Document // as in QueryParams
+	OrderLimit int64
 }
 
 // ExplainResult represents the results of Collection.Explain method.
--- a/internal/handler/msg_explain.go
+++ b/internal/handler/msg_explain.go
@@ -163,6 +163,8 @@ func (h *Handler) MsgExplain(connCtx context.Context, msg *wire.OpMsg) (*wire.Op
 		qp.Limit = params.Limit
 	}
 
+	qp.OrderBy, qp.OrderLimit = h.orderLimit(params.Filter, qp.Filter, params.Sort, params.Skip, params.Limit)
+
 	res, err := coll.Explain(connCtx, qp)
 	if err != nil {
 		return nil, lazyerrors.Error(err)
--- a/internal/handler/msg_find.go
+++ b/internal/handler/msg_find.go
@@ -283,6 +283,8 @@ func (h *Handler) makeFindQueryParams(ctx context.Context, params *common.FindPa
 		qp.Limit = params.Limit
 	}
 
+	qp.OrderBy, qp.OrderLimit = h.orderLimit(params.Filter, qp.Filter, params.Sort, params.Skip, params.Limit)
+
 	h.L.DebugContext(ctx, fmt.Sprintf("Converted %+v for %+v to %+v.", params, cInfo, qp))
 
 	return qp, nil
--- /dev/null
+++ b/internal/handler/orderlimit.go
@@ -0,0 +1,15 @@
+package handler
+
+import "github.com/FerretDB/FerretDB/internal/types"
+
+// orderLimit returns a find's sort on one field and its skip+limit for the backend, which may
+// apply them when it applies the whole filter (see backends.QueryParams.OrderBy): the handler
+// still filters, sorts, skips and limits what it gets. pushed is the filter the backend gets.
+func (h *Handler) orderLimit(filter, pushed, sort *types.Document, skip, limit int64) (*types.Document, int64) {
+	if h.DisablePushdown || limit <= 0 || skip < 0 || sort.Len() != 1 || sort.Keys()[0] == "$natural" ||
+		pushed.Len() != filter.Len() {
+		return nil, 0
+	}
+
+	return sort, skip + limit
+}
PATCH
must_contain internal/handler/msg_find.go 'h.orderLimit('
must_contain internal/handler/msg_explain.go 'h.orderLimit('

# Pushdown. On fields keyed by an index: equality, $eq, $in and $gt/$gte/$lt/$lte on null,
# numbers, strings, ObjectIds, booleans, dates and timestamps, and `_id` $in, become conditions
# SQLite answers from the index. They select what the filter does for documents where the
# field is not an array, and every document where it is one (MongoDB matches arrays by their
# elements), as UNION ALL branches of plain conjunctions so that compound indexes apply. A sort
# with a limit reads the non-array documents in index order, limited, in the key ranges whose
# order is MongoDB's (and the rest in full), only when the whole filter was pushed down.
# Anything else is left to the handler, which checks every document again.
apply_patch "pushdown" <<'PATCH'
--- a/internal/backends/sqlite/collection.go
+++ b/internal/backends/sqlite/collection.go
@@ -65,31 +65,9 @@ func (c *collection) Query(ctx context.Context, params *backends.QueryParams) (*
 		}, nil
 	}
 
-	q := prepareSelectClause(meta.TableName, params.Comment, meta.Capped(), params.OnlyRecordIDs)
+	pq := buildQuery(meta, params.Comment, params.Filter, params.Sort, params.OnlyRecordIDs, params.OrderBy, params.OrderLimit, params.Limit)
 
-	var whereClause string
-	var args []any
-
-	// that logic should exist in one place
-	// TODO https://github.com/FerretDB/FerretDB/issues/3235
-	if params.Filter.Len() == 1 {
-		v, _ := params.Filter.Get("_id")
-		switch v.(type) {
-		case string, types.ObjectID:
-			whereClause = fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn)
-			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
-		}
-	}
-
-	q += whereClause
-	q += prepareOrderByClause(params.Sort)
-
-	if params.Limit != 0 {
-		q += ` LIMIT ?`
-		args = append(args, params.Limit)
-	}
-
-	rows, err := db.QueryContext(ctx, q, args...)
+	rows, err := db.QueryContext(ctx, pq.q, pq.args...)
 	if err != nil {
 		return nil, lazyerrors.Error(err)
 	}
@@ -267,38 +245,12 @@ func (c *collection) Explain(ctx context.Context, params *backends.ExplainParams
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
+	pq := buildQuery(meta, "", params.Filter, params.Sort, false, params.OrderBy, params.OrderLimit, params.Limit)
+	filterPushdown := pq.filter
+	sortPushdown := prepareOrderByClause(params.Sort) != "" || pq.sortLimit
+	limitPushdown := params.Limit != 0 || pq.sortLimit
 
-	q := `EXPLAIN QUERY PLAN ` + selectClause + whereClause + orderByClause
-
-	var limitPushdown bool
-
-	if params.Limit != 0 {
-		q += ` LIMIT ?`
-		args = append(args, params.Limit)
-		limitPushdown = true
-	}
-
-	rows, err := db.QueryContext(ctx, q, args...)
+	rows, err := db.QueryContext(ctx, `EXPLAIN QUERY PLAN `+pq.q, pq.args...)
 	if err != nil {
 		return nil, lazyerrors.Error(err)
 	}
--- /dev/null
+++ b/internal/backends/sqlite/pushdown.go
@@ -0,0 +1,529 @@
+package sqlite
+
+import (
+	"fmt"
+	"math"
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
+// numbers, strings, ObjectIds, booleans, dates and timestamps, and `_id` $in on its index.
+//
+// The query may select more documents than the filter, never fewer: the handler checks every
+// document again. For a document where a field is not an array, the field's condition selects
+// exactly what the filter does: keys follow MongoDB's type brackets and order, and equal
+// numbers of any type have equal keys. A document where the field is an array is always
+// selected, as MongoDB matches it by its elements. Other operators, `$and`/`$or` and fields
+// without such an index are left to the handler.
+//
+// The query is a UNION ALL of plain conjunctions, so that SQLite can use compound indexes
+// (in their order): the documents where no filtered field is an array (one conjunction per
+// combination of alternatives, as null is "missing or null"), then, for each filtered field,
+// those where it is the first that is an array (usually an empty index range).
+//
+// The handler sorts in Go, so a sort only helps with a limit. When the caller asks for a sort
+// on a field keyed by an index and a limit (QueryParams.OrderBy/OrderLimit), and every filter
+// entry was pushed down, the documents where no filtered field is an array are read in index
+// order and limited, in the three key ranges whose order is MongoDB's order (null or missing;
+// numbers and strings; ObjectId, bool, date, timestamp). The documents whose sort value is an
+// object, array, binData or regex, or where a filtered field is an array, are all read.
+// MongoDB's first N documents are among those; the handler sorts and limits them.
+
+// pushdownQuery is the SQL for a query and what it pushed down.
+type pushdownQuery struct {
+	q         string
+	args      []any
+	filter    bool
+	sortLimit bool
+}
+
+// alt is one of a condition's alternatives, which select disjoint documents.
+type alt struct {
+	sql  string
+	args []any
+}
+
+// condition is the SQL for one filter entry.
+type condition struct {
+	alts  []alt  // any of them; exact for documents where the field is not an array
+	array string // the documents where the field is an array; empty for `_id`
+}
+
+func (c condition) scalar() (string, []any) {
+	if len(c.alts) == 1 {
+		return c.alts[0].sql, c.alts[0].args
+	}
+
+	sqls := make([]string, len(c.alts))
+	var args []any
+
+	for i, a := range c.alts {
+		sqls[i] = a.sql
+		args = append(args, a.args...)
+	}
+
+	return "(" + strings.Join(sqls, " OR ") + ")", args
+}
+
+func (c condition) full() (string, []any) {
+	sql, args := c.scalar()
+	if c.array == "" {
+		return sql, args
+	}
+
+	return "(" + sql + " OR " + c.array + ")", args
+}
+
+// conjunctions returns the documents where no filtered field is an array as plain
+// conjunctions (one alternative per condition, after extra), which SQLite can answer from a
+// compound index in its order; or as one conjunction of disjunctions when those would be many.
+func conjunctions(conds []condition, extra alt) []alt {
+	res := []alt{{sql: extra.sql, args: extra.args}}
+
+	n := 1
+	for _, c := range conds {
+		n *= len(c.alts)
+	}
+
+	for _, c := range conds {
+		if n > 8 {
+			sql, args := c.scalar()
+			c = condition{alts: []alt{{sql, args}}}
+		}
+
+		var next []alt
+
+		for _, r := range res {
+			for _, a := range c.alts {
+				next = append(next, alt{
+					sql:  strings.TrimPrefix(r.sql+" AND "+a.sql, " AND "),
+					args: append(append([]any{}, r.args...), a.args...),
+				})
+			}
+		}
+
+		res = next
+	}
+
+	return res
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
+// buildQuery returns the query for the given parameters.
+// orderBy (one field, 1 or -1) and orderLimit are applied only when that is safe.
+func buildQuery(meta *metadata.Collection, comment string, filter, natural *types.Document, onlyRecordIDs bool, orderBy *types.Document, orderLimit, limit int64) *pushdownQuery { //nolint:lll // for readability
+	keyed := keyedFields(meta)
+	exact := true
+
+	var conds []condition
+
+	if filter != nil {
+		for _, k := range filter.Keys() {
+			if k == "$comment" {
+				continue
+			}
+
+			if strings.HasPrefix(k, "$") {
+				exact = false
+				continue
+			}
+
+			c, ok := fieldCondition(k, must.NotFail(filter.Get(k)), keyed)
+			if !ok {
+				exact = false
+				continue
+			}
+
+			conds = append(conds, c)
+		}
+	}
+
+	res := &pushdownQuery{filter: len(conds) > 0}
+	selectClause := prepareSelectClause(meta.TableName, comment, meta.Capped(), onlyRecordIDs)
+
+	// Capped collections keep upstream's single query, in record order.
+	if meta.Capped() || natural.Len() != 0 || onlyRecordIDs || limit != 0 {
+		var where []string
+
+		for _, c := range conds {
+			sql, args := c.full()
+			where = append(where, sql)
+			res.args = append(res.args, args...)
+		}
+
+		res.q = selectClause + whereClause(where) + prepareOrderByClause(natural)
+
+		if limit != 0 {
+			res.q += ` LIMIT ?`
+			res.args = append(res.args, limit)
+		}
+
+		return res
+	}
+
+	var sortExpr, order string
+
+	if orderBy.Len() == 1 && orderLimit > 0 && exact {
+		sortExpr = keyed[orderBy.Keys()[0]]
+		res.sortLimit = sortExpr != ""
+
+		if must.NotFail(orderBy.Get(orderBy.Keys()[0])).(int64) == -1 {
+			order = " DESC"
+		}
+	}
+
+	var branches []string
+
+	branch := func(where []string, args []any, limited, sorted bool) {
+		q := selectClause + whereClause(where)
+		res.args = append(res.args, args...)
+
+		if sorted {
+			q += fmt.Sprintf(` ORDER BY %s%s`, sortExpr, order)
+		}
+
+		if limited {
+			q += ` LIMIT ?`
+			res.args = append(res.args, orderLimit)
+		}
+
+		branches = append(branches, `SELECT * FROM (`+q+`)`)
+	}
+
+	// Branches with plain conjunctions let SQLite use compound indexes: the documents where no
+	// filtered field is an array, then those where field i is the first that is.
+	// Each document is in one branch at most.
+	arrays := func(where []string, args []any) {
+		for i := range conds {
+			if conds[i].array == "" {
+				continue
+			}
+
+			w, a := append([]string{}, where...), append([]any{}, args...)
+
+			for j, c := range conds {
+				switch {
+				case j < i:
+					sql, cargs := c.scalar()
+					w = append(w, sql)
+					a = append(a, cargs...)
+				case j == i:
+					w = append(w, c.array)
+				default:
+					sql, cargs := c.full()
+					w = append(w, sql)
+					a = append(a, cargs...)
+				}
+			}
+
+			branch(w, a, false, false)
+		}
+	}
+
+	if !res.sortLimit {
+		mains := conjunctions(conds, alt{})
+		for _, m := range mains {
+			branch(nonEmpty(m.sql), m.args, false, false)
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
+		for _, m := range conjunctions(conds, alt{r.sql, r.args}) {
+			branch([]string{m.sql}, m.args, true, i > 0) // nulls and missing fields tie
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
+			sql, cargs := c.scalar()
+			where = append(where, sql)
+			args = append(args, cargs...)
+		}
+
+		branch(where, args, false, false)
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
+func fieldCondition(field string, v any, keyed map[string]string) (condition, bool) {
+	if field == "_id" {
+		if c, ok := idCondition(v); ok {
+			return c, true
+		}
+	}
+
+	expr, ok := keyed[field]
+	if !ok {
+		return condition{}, false
+	}
+
+	c := condition{array: fmt.Sprintf(`(%[1]s >= x'%02[2]x' AND %[1]s < x'%02[3]x')`, expr, metadata.KeyArray, metadata.KeyArray+1)}
+
+	ops, isDoc := v.(*types.Document)
+	if !isDoc {
+		c.alts, ok = equal(expr, v)
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
+	for _, part := range parts {
+		sql, args := part.scalar()
+		and.sql = strings.TrimPrefix(and.sql+" AND "+sql, " AND ")
+		and.args = append(and.args, args...)
+	}
+
+	c.alts = []alt{{"(" + and.sql + ")", and.args}}
+
+	return c, true
+}
+
+// idCondition pushes `_id` equality and $in of strings and ObjectIds to the `_id` index.
+func idCondition(v any) (condition, bool) {
+	marshal := func(v any) (string, bool) {
+		switch v.(type) {
+		case string, types.ObjectID:
+			return string(must.NotFail(sjson.MarshalSingleValue(v))), true
+		}
+
+		return "", false
+	}
+
+	if s, ok := marshal(v); ok {
+		return condition{alts: []alt{{metadata.IDColumn + ` = ?`, []any{s}}}}, true
+	}
+
+	ops, ok := v.(*types.Document)
+	if !ok || ops.Len() != 1 || ops.Keys()[0] != "$in" {
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
+	for i := 0; i < arr.Len(); i++ {
+		s, ok := marshal(must.NotFail(arr.Get(i)))
+		if !ok {
+			return condition{}, false
+		}
+
+		args = append(args, s)
+	}
+
+	return condition{alts: []alt{{metadata.IDColumn + ` IN (` + placeholders(len(args)) + `)`, args}}}, true
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
+		return []alt{{expr + ` IS NULL`, nil}, {expr + ` = ?`, []any{[]byte{metadata.KeyNull}}}}, true
+	}
+
+	k, ok := valueKey(v)
+	if !ok {
+		return nil, false
+	}
+
+	return []alt{{expr + ` = ?`, []any{k}}}, true
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
+	res := []alt{{expr + ` IN (` + placeholders(len(args)) + `)`, args}}
+	if null {
+		res = append([]alt{{expr + ` IS NULL`, nil}}, res...)
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
+		return []alt{{fmt.Sprintf(`%[1]s > ? AND %[1]s < ?`, expr), []any{k, end}}}, true
+	case "$gte":
+		return []alt{{fmt.Sprintf(`%[1]s >= ? AND %[1]s < ?`, expr), []any{k, end}}}, true
+	case "$lt":
+		return []alt{{fmt.Sprintf(`%[1]s < ? AND %[1]s >= ?`, expr), []any{k, start}}}, true
+	default:
+		return []alt{{fmt.Sprintf(`%[1]s <= ? AND %[1]s >= ?`, expr), []any{k, start}}}, true
+	}
+}
PATCH
[ "$(grep -c 'buildQuery(meta, ' "$work/internal/backends/sqlite/collection.go")" = 2 ] \
  || { echo "install-ferretdb: the pushdown patch did not reach Query and Explain" >&2; exit 1; }
fi
mkdir -p "$(dirname "$bin")"
# Built beside it and renamed into place, so that a database starting meanwhile never runs a
# half-written binary.
(cd "$work" && go build -trimpath -o "$bin.new" ./cmd/ferretdb)
mv -f "$bin.new" "$bin"
version_line="$(installed_version)"
echo "${version_line%%$'\n'*}" >&2
