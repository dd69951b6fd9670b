// @ts-check
// Tokens for k6 scripts, as chat-api ships: a customer may park at most 10 polls (maxParkedPerCustomer)
// and an agent 500 (maxParkedPerAgent). With -e JWT_SECRET=<the server's CHAT_JWT_SECRET> each widget polls
// with its own session's customer token (and each 400 waiters of fanout.js share an agent token), as real
// widgets do; without it every request carries -e TOKEN.
import crypto from 'k6/crypto';
import encoding from 'k6/encoding';

const SECRET = __ENV.JWT_SECRET;
const cache = {};

function sign(claims) {
  const head = encoding.b64encode(JSON.stringify({ alg: 'HS256', typ: 'JWT' }), 'rawurl');
  const body = encoding.b64encode(JSON.stringify({ ...claims, exp: Math.floor(Date.now() / 1000) + 7200 }), 'rawurl');
  return `${head}.${body}.${crypto.hmac('sha256', SECRET, `${head}.${body}`, 'base64rawurl')}`;
}

/** The Authorization header of the customer of one session (or TOKEN without JWT_SECRET). */
export function customer(session) {
  if (!SECRET) {
    return `Bearer ${__ENV.TOKEN}`;
  }
  cache[`c${session}`] = cache[`c${session}`] || `Bearer ${sign({ role: 'customer', chatSessionId: session, sub: 'k6' })}`;
  return cache[`c${session}`];
}

/** The Authorization header of agent k6-<group> (or TOKEN without JWT_SECRET). */
export function agent(group) {
  if (!SECRET) {
    return `Bearer ${__ENV.TOKEN}`;
  }
  cache[`a${group}`] = cache[`a${group}`] || `Bearer ${sign({ role: 'agent', sub: `k6-${group}` })}`;
  return cache[`a${group}`];
}
