#!/usr/bin/env bash
# End-to-end test of `codegraph serve` with curl: REST routes, errors,
# access control, the NDJSON streams and the server-sent events of an index
# job, on the fixture repository (testdata/repo, indexed).
#
# Usage: e2e.sh BASE_URL RW_KEY RO_KEY
set -euo pipefail
base=$1 rw=$2 ro=$3
checks=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# req METHOD PATH KEY [BODY]: sets $status and $body.
req() {
  local method=$1 path=$2 key=$3 data=${4:-}
  local args=(-sS -o "$tmp/body" -w '%{http_code}' -X "$method")
  [[ -n $key ]] && args+=(-H "Authorization: Bearer $key")
  [[ -n $data ]] && args+=(-H 'Content-Type: application/json' --data "$data")
  status=$(curl "${args[@]}" "$base$path")
  body=$(cat "$tmp/body")
}

# expect STATUS [FRAGMENT...]: checks the last answer.
expect() {
  local want=$1; shift
  checks=$((checks + 1))
  [[ $status == "$want" ]] || fail "$last: status $status, want $want: $body"
  for f in "$@"; do
    checks=$((checks + 1))
    [[ $body == *"$f"* ]] || fail "$last: answer lacks $f: ${body:0:500}"
  done
}

call() { last="$1 $2"; req "$@"; }

call GET /health/live ""; expect 200 '"ok"'
call GET /health/ready ""; expect 200 '"ready"'
call GET /openapi.json "$ro"; expect 200 '"openapi"' '"/graph/callers"'
call GET /nodes "" ; expect 401 '"unauthorized"'
call GET '/nodes?name=Get&file=pkg/store/store.go' "$ro"; expect 200 '"Store.Get"'
id=$(grep -o '"id":"[0-9a-f]\{16\}"' <<<"$body" | head -1 | cut -d'"' -f4)
[[ -n $id ]] || fail "no id in $body"
call GET "/nodes/$id" "$ro"; expect 200 '"qualified_name":"Store.Get"'
call GET "/nodes/$id/edges?direction=in" "$ro"; expect 200 '"kind":"calls"'
call GET "/nodes/$id/similar?limit=3" "$ro"; expect 200 '"hits"'
call GET '/nodes?kind=method&limit=1' "$ro"; expect 200 '"next_cursor"'
call GET '/search?q=get+order+by+id&limit=5' "$ro"; expect 200 '"mode":"hybrid"' '"Store.Get"'
call GET '/search?q=orders&mode=exact&path=pkg/**' "$ro"; expect 200 '"text"'
call GET '/search?q=(&mode=regex' "$ro"; expect 400 '"bad_regex"'
call GET '/graph/callers?symbol=Store.Get' "$ro"; expect 200 'Server.ServeHTTP'
call GET '/graph/callees?symbol=Server.ServeHTTP' "$ro"; expect 200 'Store.Get'
call GET '/graph/dependencies?symbol=pkg/server/server.go' "$ro"; expect 200 'pkg/store/store.go'
call GET '/graph/dependents?symbol=Store.Get' "$ro"; expect 200 'ServeHTTP'
call GET '/graph/path?from=Server.ServeHTTP&to=Store.Get' "$ro"; expect 200 '"found":true'
call GET '/graph/impact?symbol=Store.Get' "$ro"; expect 200 '"complete"'
call GET '/graph/callers?symbol=add' "$ro"; expect 409 '"ambiguous"' 'Cart.add' 'Report.add'
call GET '/graph/callers?symbol=NoSuchSymbol' "$ro"; expect 404 '"not_found"'
call POST /parse "$ro" '{"content":"def f():\n    g()\n","language":"python"}'; expect 200 '"qualified_name":"f"' '"target":"g"'
call POST /vector/search "$ro" '{"vector":[1,2,3]}'; expect 400 'dimension'
call POST /nodes "$ro" '{"kind":"function","name":"Planned"}'; expect 403 '"forbidden"'
call POST /nodes "$rw" '{"kind":"function","name":"Planned","file":"design/plan.go"}'; expect 201 '"api":true'
nid=$(grep -o '"id":"[0-9a-f]\{16\}"' <<<"$body" | head -1 | cut -d'"' -f4)
call PATCH "/nodes/$nid" "$rw" '{"doc":"planned"}'; expect 200 '"doc":"planned"'
call PATCH "/nodes/$id" "$rw" '{"doc":"x"}'; expect 409 '"conflict"'
call DELETE "/nodes/$nid" "$rw"; expect 204
call GET "/nodes/$nid" "$ro"; expect 404

# NDJSON streams: one JSON object per line.
curl -sSN -H "X-API-Key: $ro" -D "$tmp/h" "$base/stream/nodes" >"$tmp/nodes.ndjson"
grep -qi '^content-type: application/x-ndjson' "$tmp/h" || fail "stream/nodes content type: $(cat "$tmp/h")"
n=$(wc -l <"$tmp/nodes.ndjson")
[[ $n -ge 20 ]] || fail "stream/nodes: $n lines"
[[ $(grep -vc '^{"id":"[0-9a-f]\{16\}".*}$' "$tmp/nodes.ndjson" || true) == 0 ]] || fail "stream/nodes: a line is not a node object"
curl -sSN -H "X-API-Key: $ro" "$base/stream/edges?kind=calls" >"$tmp/edges.ndjson"
[[ $(wc -l <"$tmp/edges.ndjson") -ge 1 ]] || fail "stream/edges: empty"
[[ $(grep -vc '"kind":"calls"' "$tmp/edges.ndjson" || true) == 0 ]] || fail "stream/edges: kind filter"
checks=$((checks + 5))

# An index job followed by its server-sent events to the end.
call POST '/index?force=true' "$rw"; expect 202 '"id"'
job=$(grep -o '"id":"[^"]*"' <<<"$body" | head -1 | cut -d'"' -f4)
timeout 120 curl -sSN -H "X-API-Key: $ro" "$base/jobs/$job/events" >"$tmp/events"
grep -q '^event: done$' "$tmp/events" || fail "no done event: $(cat "$tmp/events")"
grep -q '"state":"succeeded"' "$tmp/events" || fail "job did not succeed: $(tail -3 "$tmp/events")"
[[ $(grep -c '^data: ' "$tmp/events") -ge 1 ]] || fail "no data lines"
checks=$((checks + 3))
call GET "/jobs/$job" "$ro"; expect 200 '"succeeded"'
call GET '/jobs?limit=5' "$ro"; expect 200 "\"$job\""

call GET /metrics "$ro"; expect 200 'codegraph_http_requests_total{code="200",method="GET",route="/graph/callers"}' 'codegraph_index_nodes'
echo "ok: $checks checks over REST, NDJSON and SSE"
