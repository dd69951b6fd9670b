// @ts-check
// k6: many waiters on one session, one message: how long until the last waiter has it.
// Run:
//   TOKEN=$(java -jar target/chat-api.jar token --role agent --sub k6 --ttl 7200) \
//   k6 run -e BASE_URL=http://localhost:8080 -e TOKEN=$TOKEN -e JWT_SECRET=$CHAT_JWT_SECRET \
//          -e WAITERS=1000 -e SESSION=1 load/fanout.js
// Pointing it at your deployment: BASE_URL is its public address (the load balancer, e.g.
// https://chat.example.com); TOKEN an agent's JWT signed with the deployment's CHAT_JWT_SECRET (the token command
// above, run with that secret in the environment, or your own backend's token); JWT_SECRET that same secret: an agent parks at most 500
// polls (maxParkedPerAgent), so with it each 400 waiters share an agent token of their own; without it all use
// TOKEN, so keep WAITERS at 500 or below.
// Thresholds (k6 exits non-zero when one fails): under 0.1 % failed requests; the last of the waiters woken
// within 250 ms (max of fanout_latency): 1,000 waiters take 46-73 ms on 2 cores with the generator on the same
// machine (BENCHMARKS.md, P4), and 250 ms leaves room for 5,000 waiters and a network while staying under what
// a person notices as a delay.
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Trend } from 'k6/metrics';
import { agent } from './tokens.js';
import { messagesOf } from './messages.js';

const BASE_URL = __ENV.BASE_URL || 'http://localhost:8080';
const TOKEN = __ENV.TOKEN;
const SESSION = Number(__ENV.SESSION || 1);
const WAITERS = Number(__ENV.WAITERS || 1000);
const HEADERS = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

const fanout = new Trend('fanout_latency', true);

/** @type {import('k6/options').Options} */
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
  const messages = messagesOf(res);
  return { after: messages.length ? messages[messages.length - 1].ChatMessageId : 0 };
}

export async function wait(data) {
  const res = await http.asyncRequest('GET',
    `${BASE_URL}/api/v1/ChatSession/${SESSION}/Messages?after=${data.after}&wait=60`,
    null, { headers: { Authorization: agent(Math.floor((__VU - 1) / 400)) }, timeout: '70s', tags: { name: 'parked' } });
  const woken = messagesOf(res);
  check(res, { 'woken with the message': (r) => r.status === 200 && woken.length === 1 });
  const sent = Number(String(woken[0] && woken[0].Message).split(' ')[0]);
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
