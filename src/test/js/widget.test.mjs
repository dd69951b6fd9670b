// The reference widget in a real browser: Debian's chromium, driven by playwright-core. Run by
// chatapi.widget.WidgetBrowserTest, which starts the server and restarts it when asked: this script
// prints "@@stop-server" / "@@start-server" and waits for a line on stdin ("stopped" / "started").
// It also prints "@@session <id>" so that the Java side can check what the database holds afterwards.
//
// Environment: BASE_URL (the server), CHROMIUM (the browser binary), SCREENSHOTS (a directory).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import readline from 'node:readline';
import { chromium } from 'playwright-core';

const BASE_URL = required('BASE_URL');
const SCREENSHOTS = required('SCREENSHOTS');
const WITHIN_MS = 1000; // the bound: a message shows up on the other side within 1 s
const RECONNECT_MS = 20_000; // the widget's back-off tops out at 10 s

const lines = readline.createInterface({ input: process.stdin });
const input = lines[Symbol.asyncIterator]();

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function log(line) {
  console.log(line);
}

/** Asks the Java side to do something and waits for its answer. */
async function ask(command, expected) {
  log(`@@${command}`);
  const { value, done } = await input.next();
  assert.equal(done, false, `no answer to ${command}`);
  assert.equal(value.trim(), expected, `answer to ${command}`);
}

mkdirSync(SCREENSHOTS, { recursive: true });
const browser = await chromium.launch({
  executablePath: required('CHROMIUM'),
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const pageErrors = [];

async function newPage(path) {
  const context = await browser.newContext({ baseURL: BASE_URL, viewport: { width: 720, height: 720 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${path}: ${e.message}`));
  await page.goto(path);
  return page;
}

/** Sends text from one page and measures until it shows on the other; fails beyond WITHIN_MS. */
async function exchange(from, to, text) {
  await from.fill('#text', text);
  const started = Date.now();
  await from.click('#compose button');
  await to.locator('#messages .message', { hasText: text }).waitFor({ timeout: WITHIN_MS });
  const ms = Date.now() - started;
  log(`  "${text}" arrived after ${ms} ms`);
  assert.ok(ms <= WITHIN_MS, `"${text}" took ${ms} ms`);
  await from.locator('#messages .message', { hasText: text }).waitFor({ timeout: WITHIN_MS });
  assert.equal(await from.inputValue('#text'), '', 'the sent text is cleared');
}

/** A screenshot of the page's chat panel, under SCREENSHOTS. */
function shot(page, name) {
  return page.locator('main').screenshot({ path: join(SCREENSHOTS, name) });
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

  assert.deepEqual(pageErrors, []);
  log('@@passed');
} finally {
  await browser.close();
  lines.close(); // stdin stays open on the Java side until this process ends
  process.stdin.destroy();
}
