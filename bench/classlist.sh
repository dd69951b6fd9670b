#!/usr/bin/env bash
# Remakes src/main/cds/classes.txt, the classes that `mvn package` puts into the jar's class-data sharing archive
# (target/chat-api.jsa, mapped by conf/jvm.options): those a start on a new database (migrating it) and the common
# requests load. Run it after changes that load other classes at start-up (a new library, new routes), then commit
# the list; a stale list costs start-up time only (classes missing from it load as without an archive). Needs
# PostgreSQL (as the tests) and curl; traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
DB=chat_classlist
PORT=18070
LIST=src/main/cds/classes.txt
export CHAT_JWT_SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
[ -f target/chat-api.jar ] || mvn -B -q package -DskipTests
psql -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
trap 'psql -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"' EXIT
run() { # extra JVM flags... -> starts the server as the README does, waits until it is ready; sets PID
  PGDATABASE=$DB HTTP_HOST=127.0.0.1 HTTP_PORT=$PORT CHAT_DEMO_DATA=true CHAT_DEV_START_CHAT=true \
    java -Xms64m -Xmx512m "$@" -jar target/chat-api.jar >target/classlist-server.log 2>&1 &
  PID=$!
  until curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1; do
    kill -0 "$PID" 2>/dev/null || { cat target/classlist-server.log >&2; exit 1; }
    sleep 0.05
  done
}
# A start that migrates the new database: Flyway's classes too, which a start on a migrated database does not load
# (it only compares the schema history with the jar's migrations, with classes this start loads as well).
run -XX:DumpLoadedClassList="$LIST.tmp"
API="http://127.0.0.1:$PORT/api/v1"
AGENT="Authorization: Bearer $(PGDATABASE=$DB java -jar target/chat-api.jar token --role agent --sub cds)"
CUSTOMER="Authorization: Bearer $(PGDATABASE=$DB java -jar target/chat-api.jar token --role customer --session 1)"
q() { curl -s -o /dev/null "$@" || true; }
q "http://127.0.0.1:$PORT/health/live"; q "http://127.0.0.1:$PORT/metrics"; q "http://127.0.0.1:$PORT/widget/"
q "http://127.0.0.1:$PORT/api/v1/openapi.json"
q -H "$AGENT" "$API/ChatSession/1"; q -H "$AGENT" -H "Accept: application/xml" "$API/ChatSession/1"
q -H "$AGENT" "$API/ChatSession/abc"; q "$API/ChatSession/1"; q -H "$AGENT" "$API/ChatSession?\$top=5"
q -H "$CUSTOMER" -H "Accept-Encoding: gzip" -H "Accept-Language: nb, en;q=0.5" "$API/ChatSession/1/Messages?after=0"
# A parked poll and an event stream, both woken by a message.
q -H "$CUSTOMER" "$API/ChatSession/1/Messages?after=1000000&wait=3" & POLL=$!
q -N --max-time 3 -H "$CUSTOMER" -H "Accept: text/event-stream" "$API/ChatSession/1/Messages?after=0" & STREAM=$!
sleep 1
q -X POST -H "$CUSTOMER" -H "Content-Type: application/json" -d '{"Message":"hello"}' "$API/ChatSession/1/Messages"
q -X POST -H "$AGENT" -H "Content-Type: application/json" -d '{"Message":"hi","Type":"ToCustomer"}' "$API/ChatSession/1/Messages"
wait "$POLL" "$STREAM" || true
kill "$PID"; wait "$PID" || true
mv "$LIST.tmp" "$LIST"
echo "$(grep -vc '^#' "$LIST") classes in $LIST"
