// @ts-check
// k6: GET /api/v1/ChatSession/{id} at a fixed number of virtual users (the entity read an agent console makes).
// Run (sessions 1..SESSIONS must exist; the demo data has 1 and 2):
//   TOKEN=$(java -jar target/chat-api.jar token --role agent --sub k6 --ttl 7200) \
//   k6 run -e BASE_URL=http://localhost:8080 -e TOKEN=$TOKEN -e VUS=32 -e DURATION=30s load/get-session.js
// Pointing it at your deployment: BASE_URL is its public address (the load balancer, e.g.
// https://chat.example.com); TOKEN an agent's JWT signed with the deployment's CHAT_JWT_SECRET (the token command
// above, run with that secret in the environment, or your own backend's token).
// Thresholds (k6 exits non-zero when one fails): under 0.1 % failed requests, so that any systematic error
// fails the run; p99 under 50 ms: BENCHMARKS.md measures a p99 of 7-15 ms at 16 connections on 2 cores with the
// database on the same machine, so 50 ms leaves room for a network hop and a busier database and still
// catches a saturated pool or a regression.
import http from 'k6/http';
import { check } from 'k6';

const BASE_URL = __ENV.BASE_URL || 'http://localhost:8080';
const TOKEN = __ENV.TOKEN;
const SESSIONS = Number(__ENV.SESSIONS || 2); // ids 1..SESSIONS must exist (the demo data has 1 and 2)

/** @type {import('k6/options').Options} */
export const options = {
  vus: Number(__ENV.VUS || 32),
  duration: __ENV.DURATION || '30s',
  thresholds: {
    http_req_failed: ['rate<0.001'],
    http_req_duration: ['p(99)<50'],
  },
};

export default function () {
  const id = 1 + Math.floor(Math.random() * SESSIONS);
  const res = http.get(`${BASE_URL}/api/v1/ChatSession/${id}`, {
    headers: { Authorization: `Bearer ${TOKEN}`, Accept: 'application/json' },
    tags: { name: 'GET ChatSession/{id}' },
  });
  check(res, {
    'status 200': (r) => r.status === 200,
    'the asked session': (r) => r.json('ChatSessionId') === id,
  });
}
