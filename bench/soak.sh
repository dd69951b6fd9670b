#!/usr/bin/env bash
# R6 soak: one server, 5,000 widget loops (parked long-polls on 5,000 sessions) and a writer at 200
# messages/s for MINUTES minutes (default 30; the load runs 30 s longer, so the last sample is under load), over loopback only. Every minute it samples the server's
# heap after a full GC, its open file descriptors and its threads; at the end it checks that each stayed
# within 10 % of the first sample after the first minute (warm-up), and that no message was lost.
# Usage: bench/soak.sh [minutes]. Results: target/bench/soak.md and the generator's log beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES="${1:-30}"
N="${SOAK_PARKED:-5000}"
RATE="${SOAK_RATE:-200}"
ulimit -n "$(ulimit -Hn)"
OUT=target/bench
mkdir -p "$OUT"
RESULTS="$OUT/soak.md"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
DB=chat_soak
PORT=18082
export CHAT_JWT_SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"

[ -f target/chat-api.jar ] || mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.outputFile="$OUT/classpath" >/dev/null
CP="$(cat "$OUT/classpath"):target/classes"
javac -d "$OUT/classes" -cp "$CP" bench/LoadGen.java
SERVER_PID=""
GEN_PID=""
cleanup() {
  [ -n "$GEN_PID" ] && kill "$GEN_PID" 2>/dev/null || true
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  psql -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" 2>/dev/null || true
}
trap cleanup EXIT

psql -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
PGDATABASE=$DB HTTP_HOST=127.0.0.1 HTTP_PORT=$PORT CHAT_DEMO_DATA=true CHAT_LOG_LEVEL=WARN \
  java -Xms512m -Xmx512m -XX:+UseG1GC -jar target/chat-api.jar >"$OUT/soak-server.log" 2>&1 &
SERVER_PID=$!
until curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1; do
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/soak-server.log" >&2; exit 1; }
  sleep 0.1
done
psql -d "$DB" -q >/dev/null <<SQL
INSERT INTO chat_session (chat_session_id, topic_id, customer_name, status)
SELECT g, 1, 'Soak ' || g, 'CustomerLast' FROM generate_series(3, $N + 2) g;
SELECT setval(pg_get_serial_sequence('chat_session', 'chat_session_id'), $N + 2);
SQL
AFTER=$(psql -d "$DB" -tAc "SELECT coalesce(max(chat_message_id), 0) FROM chat_message")

heap_kb() {
  jcmd "$SERVER_PID" GC.run >/dev/null
  jcmd "$SERVER_PID" GC.heap_info | awk '/garbage-first heap/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); print v } }'
}
sample() { # minute -> "| minute | heap KB | fds | threads | parked |"
  local fds threads parked
  fds=$(ls "/proc/$SERVER_PID/fd" | wc -l)
  threads=$(awk '/^Threads/ {print $2}' "/proc/$SERVER_PID/status")
  parked=$(curl -fsS "http://127.0.0.1:$PORT/health/ready" | sed 's/.*"parked":\([0-9]*\).*/\1/')
  printf '| %s | %s | %s | %s | %s |\n' "$1" "$(heap_kb)" "$fds" "$threads" "$parked"
}

rm -f "$OUT/soak-gen.log"
java -Xss512k -cp "$CP:$OUT/classes" LoadGen wake --port $PORT --jwt-secret "$CHAT_JWT_SECRET" --n "$N" --first-session 3 \
    --after "$AFTER" --rate "$RATE" --seconds $(( MINUTES * 60 + 30 )) --pgdatabase $DB >"$OUT/soak-gen.log" 2>&1 &
GEN_PID=$!
until grep -q PARKED "$OUT/soak-gen.log" 2>/dev/null; do kill -0 $GEN_PID 2>/dev/null || { cat "$OUT/soak-gen.log" >&2; exit 1; }; sleep 0.2; done

{
  echo "Soak: $N parked widget loops, $RATE messages/s, $MINUTES min, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores,"
  echo "$(java -version 2>&1 | head -n 1), server -Xms512m -Xmx512m G1"
  echo
  echo "| minute | heap after GC (KB) | open fds | threads | parked |"
  echo "|---|---|---|---|---|"
} | tee "$RESULTS"
for m in $(seq 0 "$MINUTES"); do
  sample "$m" | tee -a "$RESULTS"
  [ "$m" -lt "$MINUTES" ] && sleep 60
done
wait $GEN_PID || true
GEN_PID=""
r=$(grep RESULT "$OUT/soak-gen.log" || echo "RESULT failed")
echo | tee -a "$RESULTS"
echo "Generator: ${r#RESULT }" | tee -a "$RESULTS"
# Flat within 10 %: every sample from minute 1 on against minute 1 (minute 0 is before the JIT and heap settle).
awk -F'|' 'NR > 0 && $2 ~ /^ *[0-9]+ *$/ && $2 + 0 >= 1 {
    h = $3 + 0; f = $4 + 0; t = $5 + 0
    if (!base) { bh = h; bf = f; bt = t; base = 1 }
    dh = (h - bh) / bh; df = (f - bf) / bf; dt = (t - bt) / bt
    if (dh > mh) mh = dh; if (-dh > mh) mh = -dh
    if (df > mf) mf = df; if (-df > mf) mf = -df
    if (dt > mt) mt = dt; if (-dt > mt) mt = -dt
  } END {
    v = (mh <= 0.10 && mf <= 0.10 && mt <= 0.10) ? "flat within 10 %" : "NOT flat within 10 %"
    printf "Largest change from minute 1: heap %.1f %%, fds %.1f %%, threads %.1f %% -> %s\n", mh * 100, mf * 100, mt * 100, v
  }' "$RESULTS" | tee -a "$RESULTS"
missing=$(sed -n 's/.* missing=\([0-9]*\).*/\1/p' <<<"$r")
[ "${missing:-1}" = 0 ] || { echo "messages missing: ${missing:-unknown}" | tee -a "$RESULTS"; exit 1; }
grep -q "NOT flat" "$RESULTS" && exit 1
exit 0
