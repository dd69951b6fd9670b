// @ts-check
// k6: clients without event streams follow their sessions with the ETag long-poll (no SSE needed):
// GET /api/v1/ChatSession/{id}?wait=25 with If-None-Match parks until the session changes (200, new ETag)
// or the wait ends (304). Agents' views change with every posted message (LastMessage), so the writer puts
// its send time into each message and the watchers record now - send time when a 200 brings it; the
// customers' views change only with the session's state (status, agent, queue position, typing), so theirs
// check that every answer is a 200 with an ETag or a 304 with the same one.
// Run (sessions 1..SESSIONS must exist):
//   TOKEN=$(java -jar target/chat-api.jar token --role agent --sub k6 --ttl 7200) \
//   k6 run -e BASE_URL=http://localhost:8080 -e TOKEN=$TOKEN -e JWT_SECRET=$CHAT_JWT_SECRET \
//          -e WATCHERS=1000 -e CUSTOMERS=1000 -e SESSIONS=1000 -e RATE=50 load/session-watch.js
// Without JWT_SECRET every request carries TOKEN, and one agent parks at most 500 (maxParkedPerAgent): keep
// WATCHERS + CUSTOMERS under that. Thresholds: under 0.1 % failed requests, wake latency p99 under 50 ms.
import http from 'k6/http';
import { check } from 'k6';
import { Trend, Counter } from 'k6/metrics';
import { agent, customer } from './tokens.js';

const BASE_URL = __ENV.BASE_URL || 'http://localhost:8080';
const SESSIONS = Number(__ENV.SESSIONS || 2);
const DURATION = __ENV.DURATION || '60s';
const WAIT = 25;

const wakeLatency = new Trend('session_wake_latency', true);
const changes = new Counter('session_changes_seen');

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    watchers: { executor: 'constant-vus', exec: 'watchAsAgent', vus: Number(__ENV.WATCHERS || 100), duration: DURATION },
    customers: { executor: 'constant-vus', exec: 'watchAsCustomer', vus: Number(__ENV.CUSTOMERS || 100), duration: DURATION },
    writer: {
      executor: 'constant-arrival-rate',
      exec: 'write',
      rate: Number(__ENV.RATE || 20),
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: 20,
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.001'],
    session_wake_latency: ['p(99)<50'],
  },
};

/**
 * The ETag long-poll of one session: calls `changed(body)` with each new state.
 * @param {number} session
 * @param {string} authorization
 * @param {(body: any) => void} changed
 */
async function watch(session, authorization, changed) {
  const url = `${BASE_URL}/api/v1/ChatSession/${session}`;
  const first = await http.asyncRequest('GET', url, null, { headers: { Authorization: authorization } });
  let etag = first.headers.ETag;
  if (!check(first, { 'first 200 with an ETag': (r) => r.status === 200 && Boolean(etag) })) {
    return;
  }
  for (;;) {
    const res = await http.asyncRequest('GET', `${url}?wait=${WAIT}`, null, {
      headers: { Authorization: authorization, 'If-None-Match': etag }, timeout: `${WAIT + 35}s`,
      tags: { name: 'GET ChatSession?wait' },
    });
    const ok = check(res, {
      '200 with a new ETag, or 304 with the same': (r) => (r.status === 200 && r.headers.ETag !== etag)
        || (r.status === 304 && r.headers.ETag === etag),
    });
    if (!ok) {
      return;
    }
    if (res.status === 200) {
      etag = res.headers.ETag;
      changes.add(1);
      changed(res.json());
    }
  }
}

export async function watchAsAgent() {
  const session = 1 + ((__VU - 1) % SESSIONS);
  await watch(session, agent(Math.floor((__VU - 1) / 400)), (entity) => {
    const sent = Number(String(entity.LastMessage).split(' ')[0]);
    if (sent > 0) {
      wakeLatency.add(Date.now() - sent);
    }
  });
}

export async function watchAsCustomer() {
  const session = 1 + ((__VU - 1) % SESSIONS);
  await watch(session, customer(session), () => {});
}

export function write() {
  const session = 1 + Math.floor(Math.random() * SESSIONS);
  const res = http.post(`${BASE_URL}/api/v1/ChatSession/${session}/Messages`,
    JSON.stringify({ Message: `${Date.now()} load test`, Type: 'ToCustomer', Author: 'k6' }),
    { headers: { Authorization: `Bearer ${__ENV.TOKEN}`, 'Content-Type': 'application/json' }, tags: { name: 'POST Messages' } });
  check(res, { 'post 200': (r) => r.status === 200 });
}
