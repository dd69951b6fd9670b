// The reference widget in a real browser: Debian's chromium, driven by playwright-core. Run by
// chatapi.widget.WidgetBrowserTest, which starts the server and restarts it when asked: this script
// prints "@@stop-server" / "@@start-server" and waits for a line on stdin ("stopped" / "started").
// It also prints "@@session <id>" so that the Java side can check what the database holds afterwards.
//
// Environment: BASE_URL (the server), CHROMIUM (the browser binary), SCREENSHOTS (a directory).
import assert from 'node:assert/strict';
import readline from 'node:readline';
import {
  api, exchange, launch, log, shot, startChat, typingShows, WITHIN_MS,
} from './browser.mjs';

const RECONNECT_MS = 20_000; // the widget's back-off tops out at 10 s

const lines = readline.createInterface({ input: process.stdin });
const input = lines[Symbol.asyncIterator]();

/** Asks the Java side to do something and waits for its answer. */
async function ask(command, expected) {
  log(`@@${command}`);
  const { value, done } = await input.next();
  assert.equal(done, false, `no answer to ${command}`);
  assert.equal(value.trim(), expected, `answer to ${command}`);
}

const { browser, pageErrors, newPage, explain } = await launch();

/** Waits until the customer's page shows its queue position as `position`. */
function queuePosition(page, position) {
  return page.locator(`#notice[data-kind="queue"][data-position="${position}"]`).waitFor({ timeout: WITHIN_MS });
}

/** The texts and sides of a page's message list, in order. */
function conversation(page) {
  return page.$$eval('#messages .message', (items) => items.map((i) => `${i.className.replace('message ', '')}: ${i.querySelector('.text').textContent}`));
}

try {
  log('- customer starts a chat');
  const customer = await newPage('/widget/');
  await customer.fill('#name', 'Ola Nordmann');
  await customer.fill('#email', 'ola@example.com');
  await customer.click('#start button');
  await customer.locator('#status[data-state="live"]').waitFor({ timeout: 5000 });
  assert.equal(await customer.textContent('#status'), 'Connected');
  assert.equal(await customer.getAttribute('#conversation', 'data-transport'), 'event-stream');
  await queuePosition(customer, 1);
  assert.equal(await customer.textContent('#notice'), 'You are next in the queue.');
  const sessionId = Number(await customer.textContent('#session-id'));
  assert.ok(Number.isInteger(sessionId) && sessionId > 0, `session id ${sessionId}`);
  log(`@@session ${sessionId}`);

  log('- agent: a wrong password is refused, the right one signs in');
  const agent = await newPage('/widget/agent.html');
  await agent.fill('#user', 'tje0');
  await agent.fill('#password', 'wrong');
  await agent.click('#login button');
  await agent.locator('#login-error', { hasText: 'Wrong user name or password.' }).waitFor({ timeout: 5000 });
  await agent.fill('#password', 'Tje0');
  await agent.click('#login button');
  await agent.locator('#console').waitFor({ state: 'visible', timeout: 5000 });
  const cookies = await agent.context().cookies();
  const ticket = cookies.find((c) => c.name === 'SOTicket');
  assert.ok(ticket && ticket.httpOnly, 'the ticket cookie is HttpOnly');
  assert.equal(await agent.evaluate(() => document.cookie.includes('SOTicket')), false, 'the page cannot read the ticket');

  log('- agent opens the session');
  await agent.fill('#session', String(sessionId));
  await agent.click('#open button');
  await agent.locator('#status[data-state="live"]').waitFor({ timeout: 5000 });
  assert.equal(await agent.textContent('#customer'), 'Ola Nordmann · ola@example.com');
  assert.equal(await agent.textContent('#session-status'), 'InQueue');
  assert.equal(await agent.locator('#messages .message').count(), 0);

  log('- customer writes, agent replies (each within 1 s)');
  await exchange(customer, agent, 'Hello, my order has not arrived');
  await exchange(agent, customer, 'Sorry to hear that! Let me look it up.');
  await shot(customer, 'customer.png');
  await shot(agent, 'agent.png');

  log('- the server stops: both pages show that they are reconnecting');
  await ask('stop-server', 'stopped');
  await customer.locator('#status[data-state="reconnecting"]').waitFor({ timeout: RECONNECT_MS });
  await agent.locator('#status[data-state="reconnecting"]').waitFor({ timeout: RECONNECT_MS });
  assert.match(await customer.textContent('#status'), /^Connection lost; retrying in \d+ s$/);
  await shot(customer, 'customer-reconnecting.png');

  log('- the server is back: both pages resume by themselves');
  await ask('start-server', 'started');
  await customer.locator('#status[data-state="live"]').waitFor({ timeout: RECONNECT_MS });
  await agent.locator('#status[data-state="live"]').waitFor({ timeout: RECONNECT_MS });
  await exchange(customer, agent, 'Still there?');
  await exchange(agent, customer, 'Yes: it ships today.');

  const expected = ['Hello, my order has not arrived', 'Sorry to hear that! Let me look it up.', 'Still there?',
    'Yes: it ships today.'];
  assert.deepEqual(await conversation(customer), expected.map((t, i) => `${i % 2 === 0 ? 'mine' : 'theirs'}: ${t}`));
  assert.deepEqual(await conversation(agent), expected.map((t, i) => `${i % 2 === 0 ? 'theirs' : 'mine'}: ${t}`));
  await shot(customer, 'customer-after-restart.png');
  await shot(agent, 'agent-after-restart.png');

  log('- a reload resumes the chat with its history');
  await customer.reload();
  await customer.locator('#status[data-state="live"]').waitFor({ timeout: 5000 });
  await customer.locator('#messages .message').nth(expected.length - 1).waitFor({ timeout: 5000 });
  assert.deepEqual(await conversation(customer), expected.map((t, i) => `${i % 2 === 0 ? 'mine' : 'theirs'}: ${t}`));

  log('- typing shows on the other side and clears (within 1 s each)');
  await customer.fill('#text', 'Where is');
  await typingShows(agent, 'The customer is typing…');
  await customer.fill('#text', '');
  await typingShows(agent, null);
  await agent.fill('#text', 'Let me');
  await typingShows(customer, 'The agent is typing…');
  await agent.fill('#text', '');
  await typingShows(customer, null);

  log('- picked up: the agent joins; the queue moves 2 → 1 for the next visitors; a chat ends');
  await api('POST', `/api/v1/ChatSession/${sessionId}/Pickup`);
  await customer.locator('#agent', { hasText: 'Thomas J. Eriksen joined the chat.' }).waitFor({ timeout: WITHIN_MS });
  await agent.locator('#session-status', { hasText: 'UserLast' }).waitFor({ timeout: WITHIN_MS });
  assert.equal(await customer.isHidden('#notice'), true, 'no queue position once served');
  const second = await newPage('/widget/');
  const secondId = await startChat(second, 'Kari');
  const third = await newPage('/widget/');
  const thirdId = await startChat(third, 'Per');
  await queuePosition(second, 1);
  await queuePosition(third, 2);
  await shot(third, 'customer-queue.png');
  await api('POST', `/api/v1/ChatSession/${secondId}/Pickup`);
  await queuePosition(third, 1);
  await second.locator('#agent', { hasText: 'Thomas J. Eriksen joined the chat.' }).waitFor({ timeout: WITHIN_MS });
  await api('PATCH', `/api/v1/ChatSession/${secondId}`, { Status: 'Closed' });
  await second.locator('#notice[data-kind="ended"]', { hasText: 'This chat has ended.' }).waitFor({ timeout: WITHIN_MS });
  assert.equal(await second.isHidden('#compose'), true, 'nothing more to send');
  log(`@@session-closed ${secondId}`);

  log('- without EventSource the page long-polls: messages, queue position and typing still arrive within 1 s');
  const fallback = await newPage('/widget/', { withoutEventSource: true });
  const fallbackId = await startChat(fallback, 'Nils');
  assert.equal(await fallback.getAttribute('#conversation', 'data-transport'), 'long-poll');
  await queuePosition(fallback, 2); // behind Per
  await agent.fill('#session', String(fallbackId));
  await agent.click('#open button');
  await agent.locator('#customer', { hasText: 'Nils' }).waitFor({ timeout: 5000 });
  await agent.locator('#status[data-state="live"]').waitFor({ timeout: 5000 });
  await exchange(fallback, agent, 'Polling here');
  await exchange(agent, fallback, 'Heard you');
  await agent.fill('#text', 'Typing');
  await typingShows(fallback, 'The agent is typing…');
  await agent.fill('#text', '');
  await typingShows(fallback, null);
  await api('POST', `/api/v1/ChatSession/${thirdId}/Pickup`);
  await queuePosition(fallback, 1);
  log(`@@session-fallback ${fallbackId}`);

  assert.deepEqual(pageErrors, []);
  log('@@passed');
} catch (error) {
  log(`the pages' network when it failed:\n${explain()}`);
  throw error;
} finally {
  await browser.close();
  lines.close(); // stdin stays open on the Java side until this process ends
  process.stdin.destroy();
}
