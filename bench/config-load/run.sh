#!/usr/bin/env bash
# Cold-start cost of reading the configuration: chat-api's own loader against vertx-config's file and
# environment stores feeding the same record, each in a fresh JVM, alternating, N rounds (default 15).
# Prints every run and the medians. Needs target/classes (mvn -B -q package -DskipTests). See BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")"
ROUNDS="${1:-15}"
OUT=../../target/bench/config-load
mkdir -p "$OUT"
mvn -B -q -f pom.xml dependency:build-classpath -Dmdep.outputFile="$OUT/classpath" >/dev/null
(cd ../.. && mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench/config-load/app-classpath >/dev/null)
CP="$(cat "$OUT/classpath"):$(cat "$OUT/app-classpath"):../../target/classes"
javac -d "$OUT/classes" -cp "$CP" ConfigLoad.java
for i in $(seq 1 "$ROUNDS"); do
  for way in hand vertx-config; do java -cp "$OUT/classes:$CP" ConfigLoad "$way" ../../conf/config.json 2>/dev/null; done
done | tee "$OUT/runs.txt"
for way in hand vertx-config; do
  awk -v w="$way" '$1 == w { print $2 }' "$OUT/runs.txt" | sort -n \
    | awk -v w="$way" '{ v[NR] = $1 } END { printf "median %s %.1f ms (min %.1f, max %.1f, n=%d)\n", w, v[int((NR + 1) / 2)] / 1000, v[1] / 1000, v[NR] / 1000, NR }'
done
