// k6: many waiters on one session, one message: how long until the last waiter has it.
//   TOKEN=$(java -jar target/chat-api.jar token --role agent --sub k6) \
//   k6 run -e BASE_URL=http://localhost:8080 -e TOKEN=$TOKEN -e JWT_SECRET=$CHAT_JWT_SECRET \
//          -e WAITERS=1000 -e SESSION=1 load/fanout.js
// An agent parks at most 500 polls (maxParkedPerAgent): with JWT_SECRET each 400 waiters share an agent token
// of their own; without it all use TOKEN, so keep WAITERS at 500 or below.
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Trend } from 'k6/metrics';
import { agent } from './tokens.js';

const BASE_URL = __ENV.BASE_URL || 'http://localhost:8080';
const TOKEN = __ENV.TOKEN;
const SESSION = Number(__ENV.SESSION || 1);
const WAITERS = Number(__ENV.WAITERS || 1000);
const HEADERS = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

const fanout = new Trend('fanout_latency', true);

export const options = {
  scenarios: {
    waiters: { executor: 'per-vu-iterations', exec: 'wait', vus: WAITERS, iterations: 1, maxDuration: '90s' },
    writer: { executor: 'per-vu-iterations', exec: 'write', vus: 1, iterations: 1, startTime: '10s' },
  },
  thresholds: {
    fanout_latency: ['max<250'],
    http_req_failed: ['rate<0.001'],
  },
};

export function setup() {
  const res = http.get(`${BASE_URL}/api/v1/ChatSession/${SESSION}/Messages?wait=0`, { headers: HEADERS });
  const messages = res.json() || [];
  return { after: messages.length ? messages[messages.length - 1].ChatMessageId : 0 };
}

export async function wait(data) {
  const res = await http.asyncRequest('GET',
    `${BASE_URL}/api/v1/ChatSession/${SESSION}/Messages?after=${data.after}&wait=60`,
    null, { headers: { Authorization: agent(Math.floor((__VU - 1) / 400)) }, timeout: '70s', tags: { name: 'parked' } });
  check(res, { 'woken with the message': (r) => r.status === 200 && r.json().length === 1 });
  const sent = Number(String(res.json()[0] && res.json()[0].Message).split(' ')[0]);
  if (sent > 0) {
    fanout.add(Date.now() - sent);
  }
}

export function write() {
  sleep(1);
  const res = http.post(`${BASE_URL}/api/v1/ChatSession/${SESSION}/Messages`,
    JSON.stringify({ Message: `${Date.now()} fan-out`, Type: 'ToCustomer', Author: 'k6' }), { headers: HEADERS });
  check(res, { 'post 200': (r) => r.status === 200 });
}
