// k6: many widgets long-polling their sessions while a writer posts; measures wake latency.
// Each poller runs the widget loop (after = last seen id) with http.asyncRequest; the writer puts
// its send time into each message, and pollers record now - send time when the message arrives.
//   TOKEN=$(java -jar target/chat-api.jar token --role agent --sub k6) \
//   k6 run -e BASE_URL=http://localhost:8080 -e TOKEN=$TOKEN -e JWT_SECRET=$CHAT_JWT_SECRET \
//          -e POLLERS=2000 -e SESSIONS=2000 -e RATE=50 load/long-poll.js
// Sessions 1..SESSIONS must exist (create them first, e.g. with POST /api/v1/ChatSession). With JWT_SECRET
// each poller uses its session's customer token (a customer parks at most 10 polls); without it every poller
// uses TOKEN, and one agent parks at most 500 (maxParkedPerAgent). The writer posts with TOKEN (an agent:
// 50 messages per second, a burst of 200).
import http from 'k6/http';
import { check } from 'k6';
import { Trend, Counter } from 'k6/metrics';
import { customer } from './tokens.js';

const BASE_URL = __ENV.BASE_URL || 'http://localhost:8080';
const TOKEN = __ENV.TOKEN;
const SESSIONS = Number(__ENV.SESSIONS || 2);
const DURATION = __ENV.DURATION || '60s';
const HEADERS = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

const wakeLatency = new Trend('wake_latency', true);
const received = new Counter('messages_received');

export const options = {
  scenarios: {
    pollers: {
      executor: 'constant-vus',
      exec: 'poll',
      vus: Number(__ENV.POLLERS || 1000),
      duration: DURATION,
    },
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
    'http_req_failed{scenario:pollers}': ['rate<0.001'],
    'http_req_failed{scenario:writer}': ['rate<0.001'],
    wake_latency: ['p(50)<5', 'p(99)<50'],
  },
};

export async function poll() {
  const session = 1 + ((__VU - 1) % SESSIONS);
  const headers = { Authorization: customer(session) };
  let after = 0;
  const first = await http.asyncRequest('GET', `${BASE_URL}/api/v1/ChatSession/${session}/Messages?after=0&wait=0`,
    null, { headers, tags: { name: 'first look' } });
  for (const m of first.json() || []) {
    after = m.ChatMessageId;
  }
  for (;;) {
    const res = await http.asyncRequest('GET', `${BASE_URL}/api/v1/ChatSession/${session}/Messages?after=${after}`,
      null, { headers, timeout: '60s', tags: { name: 'GET Messages?after' } });
    if (!check(res, { 'poll 200': (r) => r.status === 200 })) {
      return;
    }
    for (const m of res.json()) {
      after = m.ChatMessageId;
      received.add(1);
      const sent = Number(String(m.Message).split(' ')[0]);
      if (sent > 0) {
        wakeLatency.add(Date.now() - sent);
      }
    }
  }
}

export function write() {
  const session = 1 + Math.floor(Math.random() * SESSIONS);
  const res = http.post(`${BASE_URL}/api/v1/ChatSession/${session}/Messages`,
    JSON.stringify({ Message: `${Date.now()} load test`, Type: 'ToCustomer', Author: 'k6' }),
    { headers: HEADERS, tags: { name: 'POST Messages' } });
  check(res, { 'post 200': (r) => r.status === 200 });
}
