// k6: GET /api/v1/ChatSession/{id} at a fixed number of virtual users.
//   TOKEN=$(java -jar target/chat-api.jar token --role agent --sub k6) \
//   k6 run -e BASE_URL=http://localhost:8080 -e TOKEN=$TOKEN -e VUS=32 -e DURATION=30s load/get-session.js
import http from 'k6/http';
import { check } from 'k6';

const BASE_URL = __ENV.BASE_URL || 'http://localhost:8080';
const TOKEN = __ENV.TOKEN;
const SESSIONS = Number(__ENV.SESSIONS || 2); // ids 1..SESSIONS must exist (the demo data has 1 and 2)

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
