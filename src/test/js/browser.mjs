// What the browser tests share: Debian's chromium through playwright-core, pages in contexts of their own, the
// 1-second bound on a message crossing from one page to the other, screenshots, and the API as an agent (Basic).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

/** The bound: a message or a change shows up on the other side within 1 s. */
export const WITHIN_MS = 1000;

export function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

export const BASE_URL = required('BASE_URL');
export const SCREENSHOTS = required('SCREENSHOTS');

export function log(line) {
  console.log(line);
}

/** A request for a transcript: method and path, a customer's token left out. */
function what(request) {
  return `${request.method()} ${request.url().replace(BASE_URL, '').replace(/access_token=[^&]*/, 'access_token=…')}`;
}

/** The time of day, to the millisecond, for a transcript. */
function at() {
  return new Date().toISOString().slice(11, 23);
}

/**
 * Launches headless Chromium; pages opened with newPage() collect uncaught errors in `pageErrors` and what their
 * network did that a failing step may need explained (`explain()`: the last requests that failed or answered
 * 4xx/5xx, and the requests still open, per page).
 */
export async function launch() {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: required('CHROMIUM'),
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const pageErrors = [];
  const network = []; // { name, failures: [...], open: Map(request -> since) }
  async function newPage(path, { withoutEventSource = false, width = 720, height = 720 } = {}) {
    const context = await browser.newContext({ baseURL: BASE_URL, viewport: { width, height }, acceptDownloads: true });
    if (withoutEventSource) await context.addInitScript(() => { delete window.EventSource; });
    const page = await context.newPage();
    const seen = { name: `${path} #${network.length + 1}`, failures: [], open: new Map() };
    network.push(seen);
    page.on('pageerror', (e) => pageErrors.push(`${path}: ${e.message}`));
    page.on('request', (r) => seen.open.set(r, at()));
    page.on('requestfinished', (r) => seen.open.delete(r));
    page.on('requestfailed', (r) => {
      seen.open.delete(r);
      seen.failures.push(`${at()} ${what(r)} failed: ${r.failure() ? r.failure().errorText : '?'}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) seen.failures.push(`${at()} ${what(r.request())} answered ${r.status()}`);
    });
    await page.goto(path);
    return page;
  }
  /** What each page's network did lately: for the transcript of a failed step. */
  function explain() {
    return network.map(({ name, failures, open }) => [`${name}:`,
      ...failures.slice(-5).map((f) => `  ${f}`),
      ...[...open].map(([r, since]) => `  open since ${since}: ${what(r)}`)].join('\n')).join('\n');
  }
  return { browser, pageErrors, newPage, explain };
}

/** Sends text from one page and measures until it shows on the other; fails beyond WITHIN_MS. */
export async function exchange(from, to, text) {
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

/** A screenshot of the page's main panel, under SCREENSHOTS. */
export function shot(page, name) {
  return page.locator('main').screenshot({ path: join(SCREENSHOTS, name) });
}

/** The API as the demo administrator (tje0, Basic), from the script. */
export async function api(method, path, body) {
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: { Authorization: `Basic ${Buffer.from('tje0:Tje0').toString('base64')}`, Accept: 'application/json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/merge-patch+json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
  return response.status === 204 ? null : response.json();
}

/** Waits (at most WITHIN_MS) until the page's #typing says `text`, or is hidden for null. */
export async function typingShows(page, text) {
  if (text === null) {
    await page.locator('#typing').waitFor({ state: 'hidden', timeout: WITHIN_MS });
  } else {
    await page.locator('#typing', { hasText: text }).waitFor({ state: 'visible', timeout: WITHIN_MS });
  }
}

/** Starts a chat on the customer's page; its session id. */
export async function startChat(page, name) {
  await page.fill('#name', name);
  await page.click('#start button');
  await page.locator('#status[data-state="live"]').waitFor({ timeout: 5000 });
  return Number(await page.textContent('#session-id'));
}
