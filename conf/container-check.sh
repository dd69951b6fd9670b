#!/usr/bin/env bash
# The container image, built from the Dockerfile and run as a deployment runs it (CI runs this after the tests).
#
# Builds the image with podman, starts it against a fresh database on the host's PostgreSQL and checks: ready
# within 30 s; the reference page's sample request answers 200 with the entity; the process is not root; the
# image's HEALTHCHECK command succeeds inside it; a long-poll parked in it is answered [] when the container
# is stopped, and the container exits with 0. Removes the container, the image and the database afterwards, and
# exits non-zero when any check fails.
#
# Base images: the Dockerfile's defaults (maven:…, eclipse-temurin:…) come from a container registry. When none is
# reachable (CONTAINER_BASE=debian, the default here), stand-ins are made from Debian's packages with mmdebstrap
# and passed as BUILD_IMAGE / RUNTIME_IMAGE; they are kept, keyed by their package list, for the next run.
# CONTAINER_BASE=registry builds from the official images instead.
#
# Podman's settings for a host without a container engine's usual setup (root in a sandbox): vfs storage, runc,
# the host's network, explicit ulimits; override with PODMAN_OPTS, CONTAINER_ULIMITS. Maven inside the build
# reaches Maven Central with the host's certificate trust (mounted read-only). The compose file is parsed by
# Debian's docker-compose (`config -q`; no engine needed).
set -euo pipefail
cd "$(dirname "$0")/.."

BASE="${CONTAINER_BASE:-debian}"
read -r -a PODMAN <<<"podman ${PODMAN_OPTS:---storage-driver vfs --runtime /usr/sbin/runc}"
read -r -a ULIMITS <<<"${CONTAINER_ULIMITS:---ulimit nofile=20000:20000 --ulimit nproc=4096:4096}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
PORT="${CONTAINER_CHECK_PORT:-18280}"
SUITE=bookworm
JRE_PACKAGES="openjdk-17-jre-headless,curl,ca-certificates,passwd"
BUILD_PACKAGES="openjdk-17-jdk-headless,maven,ca-certificates"
RUN_ID="$$"
IMAGE="localhost/chat-api-check:$RUN_ID"
NAME="chat-api-check-$RUN_ID"
DB="chat_container_check_$RUN_ID"
BASIC='Authorization: Basic dGplMDpUamUw'
started=$(date +%s)
WORK="$(mktemp -d)" # base images' tarballs, the parked poll's answer, podman's log
PODMAN_LOG="$WORK/podman.log" # podman's complaints about systemd timers for healthchecks (none here)

log() { printf '[container-check] %s\n' "$*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

cleanup() {
  "${PODMAN[@]}" rm -f -t 0 "$NAME" >/dev/null 2>&1 || true
  "${PODMAN[@]}" rmi -f "$IMAGE" >/dev/null 2>&1 || true # with the layers only it used
  psql -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  return 0 # a failed check's exit status stands
}
trap cleanup EXIT

# --- tools ---------------------------------------------------------------------------------------------
need=()
command -v podman >/dev/null 2>&1 || need+=(podman)
[ -x /usr/sbin/runc ] || need+=(runc)
if [ "$BASE" = debian ]; then command -v mmdebstrap >/dev/null 2>&1 || need+=(mmdebstrap); fi
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
if [ "${#need[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ] || fail "needs ${need[*]} (install them, or run as root with apt-get)"
  log "installing Debian's ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# --- the compose file, by a Compose parser (ComposeFileTest asserts what is in it) ------------------------
CHAT_JWT_SECRET=check docker-compose -f docker-compose.yml config -q || fail "docker-compose.yml does not parse as a Compose file"
log "docker-compose.yml parses"

# --- base images ---------------------------------------------------------------------------------------
# A stand-in made from Debian's packages, tagged by a hash of what it holds, built once per machine. Called
# directly (not in $(...), where set -e does not hold); sets REF.
stand_in() { # name packages
  REF="localhost/chat-api-ci-$1:$(printf '%s %s' "$SUITE" "$2" | sha256sum | cut -c1-12)"
  if ! "${PODMAN[@]}" image exists "$REF"; then
    log "making $REF from Debian's $2"
    mmdebstrap --quiet --variant=minbase --include="$2" "$SUITE" "$WORK/$1.tar" >&2 || fail "mmdebstrap failed for $1"
    "${PODMAN[@]}" import --quiet "$WORK/$1.tar" "$REF" >/dev/null || fail "podman import failed for $1"
    rm -f "$WORK/$1.tar"
  fi
}
BUILD_ARGS=()
if [ "$BASE" = debian ]; then
  stand_in build "$BUILD_PACKAGES"
  BUILD_ARGS+=(--build-arg "BUILD_IMAGE=$REF")
  stand_in jre "$JRE_PACKAGES"
  BUILD_ARGS+=(--build-arg "RUNTIME_IMAGE=$REF")
fi

# --- build ---------------------------------------------------------------------------------------------
# The build stage is tagged (kept, like the base images) so that the next run reuses its layers, Maven's
# dependency download above all; the checked image itself is removed at the end.
build() { # extra podman build arguments...
  "${PODMAN[@]}" build --quiet --format docker --network host "${ULIMITS[@]}" \
    -v /etc/ssl/certs:/etc/ssl/certs:ro "${BUILD_ARGS[@]}" "$@" . >/dev/null
}
log "building $IMAGE from the Dockerfile"
build --target build -t localhost/chat-api-ci-build-stage:latest || fail "the build stage did not build"
# Docker format: OCI images have no HEALTHCHECK.
build -t "$IMAGE" || fail "the image did not build"

# --- run -----------------------------------------------------------------------------------------------
psql -d postgres -qc "CREATE DATABASE $DB" >/dev/null || fail "cannot create database $DB"
log "starting $NAME on port $PORT against database $DB"
# The HEALTHCHECK is run by hand below (no systemd here to schedule it).
"${PODMAN[@]}" run -d --name "$NAME" --network host "${ULIMITS[@]}" --health-interval disable \
  -e HTTP_PORT="$PORT" -e PGHOST="$PGHOST" -e PGPORT="$PGPORT" -e PGUSER="$PGUSER" -e PGDATABASE="$DB" \
  -e CHAT_DEMO_DATA=true "$IMAGE" >/dev/null 2>"$PODMAN_LOG" || { cat "$PODMAN_LOG" >&2; fail "the container did not start"; }
url="http://127.0.0.1:$PORT"

ready=""
for _ in $(seq 1 60); do
  if curl -fsS --max-time 2 -o /dev/null "$url/health/ready" 2>/dev/null; then ready=yes; break; fi
  sleep 0.5
done
[ -n "$ready" ] || { "${PODMAN[@]}" logs "$NAME" >&2 || true; fail "not ready within 30 s"; }
log "ready"

body=$(curl -sS --max-time 10 -w '\n%{http_code}' -H "$BASIC" -H 'Accept: application/json; charset=utf-8' \
  -H 'Accept-Language: en' "$url/api/v1/ChatSession/1") || fail "the sample request got no answer"
[ "$(tail -n 1 <<<"$body")" = 200 ] || fail "the sample request answered $(tail -n 1 <<<"$body")"
grep -q '"ChatSessionId":1,' <<<"$body" || fail "the sample request's body is not session 1: $(head -c 200 <<<"$body")"
log "the reference sample request answered 200 with session 1"

uid=$("${PODMAN[@]}" exec "$NAME" id -u) || fail "cannot run id -u in the container"
[ "$uid" != 0 ] || fail "the server runs as root"
log "runs as uid $uid"

# -Xshare:on fails instead of starting without the archive: the image's archive maps with its own JVM and jar.
"${PODMAN[@]}" exec "$NAME" sh -c 'exec java $JAVA_OPTS -Xshare:on -jar /app/chat-api.jar --help' >/dev/null \
  || fail "the class-data sharing archive does not map in the container"
log "the class-data sharing archive maps"

"${PODMAN[@]}" healthcheck run "$NAME" >/dev/null || fail "the image's HEALTHCHECK command failed inside the container"
log "HEALTHCHECK passed inside the container"

after=$(psql -d "$DB" -tAc "SELECT coalesce(max(chat_message_id), 0) FROM chat_message WHERE chat_session_id = 1") \
  || fail "cannot read the last message id"
poll="$WORK/poll"
curl -sS --max-time 70 -o "$poll" -w '%{http_code}' -H "$BASIC" -H 'Accept: application/json' \
  "$url/api/v1/ChatSession/1/Messages?after=$after&wait=60" >"$poll.status" &
poller=$!
parked=""
for _ in $(seq 1 100); do
  health=$(curl -fsS --max-time 2 "$url/health/ready" 2>/dev/null || true)
  if [[ "$health" == *'"parked":1}'* || "$health" == *'"parked":1,'* ]]; then parked=yes; break; fi
  sleep 0.1
done
[ -n "$parked" ] || fail "the long-poll did not park"
# As long as docker-compose.yml's stop_grace_period: the server itself stops within 10 s.
"${PODMAN[@]}" stop -t 15 "$NAME" >/dev/null 2>>"$PODMAN_LOG"
wait "$poller" || true
[ "$(cat "$poll.status")" = 200 ] && [ "$(cat "$poll")" = "[]" ] \
  || fail "the parked long-poll got $(cat "$poll.status") '$(head -c 200 "$poll")' at stop, not 200 []"
code=$("${PODMAN[@]}" inspect "$NAME" --format '{{.State.ExitCode}}') || fail "cannot inspect the stopped container"
[ "$code" = 0 ] || fail "the container exited with $code on stop"
log "stop answered the parked long-poll [] and the container exited 0"
log "passed in $(( $(date +%s) - started )) s"
