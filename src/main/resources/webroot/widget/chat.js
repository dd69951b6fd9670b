// chat-api's reference client: the long-poll loop and the calls both pages share. Plain ES module, no
// build step. How to use the API well, in short:
//  - poll GET /api/v1/ChatSession/{id}/Messages?after=<last id seen>: the server answers at once when
//    there is news and otherwise holds the request until there is (or answers [] after `wait` seconds);
//  - advance `after` only from what a poll returned, never from the answer to your own POST: ids
//    follow commit order, so a message committed just before yours would otherwise be skipped;
//  - on a network error, 5xx or 429, wait (Retry-After when given, else a growing, jittered delay)
//    and poll again from the same `after`: nothing is lost and nothing arrives twice;
//  - 401/403/404 will not mend by retrying: stop and tell the user.

const WAIT_SECONDS = 25;
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

/** An answer that is not 2xx, with the server's error message when it sent one. */
export class ApiError extends Error {
  constructor(status, message, retryAfterMs) {
    super(message || `HTTP ${status}`);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }

  /** Whether repeating the same request later may succeed. */
  get transient() {
    return this.status === 429 || this.status >= 500;
  }
}

/**
 * fetch() for chat-api: JSON in and out, errors as ApiError (status 0 for a network failure).
 * `auth` gives the headers that carry the credential.
 */
export async function call(method, path, { auth = {}, body, signal } = {}) {
  // X-Requested-With: a 401 then comes without a Basic challenge, which the browser would otherwise answer
  // with its own login dialog instead of handing the 401 to the page.
  const headers = { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest', ...auth };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'The server cannot be reached');
  }
  const text = await response.text().catch(() => '');
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (a proxy's error page, say): keep the status
  }
  if (!response.ok) {
    const retryAfter = Number(response.headers.get('Retry-After'));
    throw new ApiError(response.status, json && json.ErrorMessage,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
  }
  return json;
}

/**
 * The long-poll loop of one session. Calls onMessages(array) with each batch of new messages (ascending
 * ids, never one twice) and onState(state, detail) as the connection changes:
 * 'connecting', 'live', 'reconnecting' (detail: seconds until the next try, and the error),
 * 'stopped' (detail: the error that ended it, or nothing when stop() was called).
 */
export class MessageStream {
  constructor({ sessionId, auth, onMessages, onState, after = 0, wait = WAIT_SECONDS }) {
    this.sessionId = sessionId;
    this.auth = auth;
    this.onMessages = onMessages;
    this.onState = onState;
    this.after = after;
    this.wait = wait;
    this.running = false;
    this.failures = 0;
    this.wakeUp = null;
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.controller = new AbortController();
    this.onlineListener = () => this.retryNow();
    window.addEventListener('online', this.onlineListener);
    this.loop();
  }

  stop(error) {
    if (!this.running) return;
    this.running = false;
    this.controller.abort();
    window.removeEventListener('online', this.onlineListener);
    if (this.wakeUp) this.wakeUp();
    this.onState('stopped', error);
  }

  /** Ends a back-off wait early (the browser came back online, the user clicked "retry"). */
  retryNow() {
    if (this.wakeUp) this.wakeUp();
  }

  async loop() {
    this.onState('connecting');
    while (this.running) {
      try {
        const messages = await this.poll();
        if (!this.running) return;
        if (this.failures > 0 || this.state !== 'live') this.setLive();
        this.failures = 0;
        const fresh = messages.filter((m) => m.ChatMessageId > this.after);
        if (fresh.length > 0) {
          this.after = fresh[fresh.length - 1].ChatMessageId;
          this.onMessages(fresh);
        }
      } catch (e) {
        if (!this.running || e.name === 'AbortError') return;
        if (!(e instanceof ApiError) || !e.transient && e.status !== 0) {
          this.stop(e);
          return;
        }
        this.failures += 1;
        const delay = e.retryAfterMs ?? backoff(this.failures);
        this.state = 'reconnecting';
        this.onState('reconnecting', { seconds: Math.ceil(delay / 1000), error: e });
        await this.sleep(delay);
      }
    }
  }

  setLive() {
    this.state = 'live';
    this.onState('live');
  }

  /** One poll; the client gives up on it a little after the server would have answered []. */
  async poll() {
    const timeout = new AbortController();
    const abort = () => timeout.abort();
    this.controller.signal.addEventListener('abort', abort);
    const timer = setTimeout(abort, (this.wait + 10) * 1000);
    const path = `/api/v1/ChatSession/${this.sessionId}/Messages?after=${this.after}&wait=${this.wait}`;
    try {
      // The first poll of a (re)connection must not park before the page says it is live: ask without
      // waiting, then park.
      const first = this.state !== 'live';
      const messages = await call('GET', first ? path.replace(/wait=\d+/, 'wait=0') : path,
        { auth: this.auth(), signal: timeout.signal });
      return messages || [];
    } catch (e) {
      if (e.name === 'AbortError' && this.running) throw new ApiError(0, 'The server did not answer in time');
      throw e;
    } finally {
      clearTimeout(timer);
      this.controller.signal.removeEventListener('abort', abort);
    }
  }

  sleep(ms) {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}

/** 0.5 s, 1 s, 2 s … up to 10 s, each between half and all of that (so that clients do not retry in step). */
export function backoff(failures) {
  const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (failures - 1));
  return Math.round(ceiling / 2 + Math.random() * ceiling / 2);
}

/** Posts one message; answers the stored ChatMessage (its id, time). */
export function postMessage(sessionId, auth, message) {
  return call('POST', `/api/v1/ChatSession/${sessionId}/Messages`, { auth: auth(), body: message });
}

/**
 * Keeps a message list in a container element: one element per ChatMessageId (a message shown from the
 * POST answer is not shown again when the poll brings it), in id order. `mine(message)` tells which
 * side a message belongs on.
 */
export class MessageList {
  constructor(container, mine) {
    this.container = container;
    this.mine = mine;
    this.shown = new Map();
  }

  add(messages) {
    for (const m of messages) {
      if (this.shown.has(m.ChatMessageId)) continue;
      const item = render(m, this.mine(m));
      this.shown.set(m.ChatMessageId, item);
      const later = [...this.shown.keys()].filter((id) => id > m.ChatMessageId).sort((a, b) => a - b)[0];
      this.container.insertBefore(item, later === undefined ? null : this.shown.get(later));
    }
    this.container.scrollTop = this.container.scrollHeight;
  }

  clear() {
    this.shown.clear();
    this.container.replaceChildren();
  }
}

function render(m, mine) {
  const item = document.createElement('li');
  item.className = `message ${m.Type === 'Special' ? 'special' : mine ? 'mine' : 'theirs'}`;
  item.dataset.id = m.ChatMessageId;
  const text = document.createElement('p');
  text.className = 'text';
  text.textContent = m.Type === 'Special' && !m.Message ? m.SpecialType : m.Message;
  const meta = document.createElement('span');
  meta.className = 'meta';
  const when = new Date(m.WhenPosted);
  meta.textContent = [m.Author, Number.isNaN(when.getTime()) ? '' : when.toLocaleTimeString([],
    { hour: '2-digit', minute: '2-digit' })].filter(Boolean).join(' · ');
  item.append(text, meta);
  return item;
}

/** Shows the stream's state in a status element (text and a data-state attribute for styling and tests). */
export function showState(element, state, detail) {
  element.dataset.state = state;
  switch (state) {
    case 'connecting':
      element.textContent = 'Connecting…';
      break;
    case 'live':
      element.textContent = 'Connected';
      break;
    case 'reconnecting':
      element.textContent = `Connection lost; retrying in ${detail.seconds} s`;
      break;
    default:
      element.textContent = detail ? `Disconnected: ${detail.message}` : 'Disconnected';
  }
}

/** Shows a message in an error element, or hides it for an empty one. */
export function showError(element, message) {
  element.textContent = message || '';
  element.hidden = !message;
}

/**
 * Wires a compose form: Enter sends (Shift+Enter makes a new line), the button is disabled while sending,
 * the text is cleared once sent and kept, with the error shown, when not. `send(text)` posts it;
 * `failed(error)` is told of a failure first and may take it over by answering true.
 */
export function composer({ form, textarea, errors, send, failed = () => false }) {
  textarea.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = textarea.value.trim();
    if (!text) return;
    const button = e.submitter || form.querySelector('button');
    button.disabled = true;
    try {
      await send(text);
      textarea.value = '';
      showError(errors, '');
    } catch (error) {
      if (!failed(error)) showError(errors, `Not sent (${error.message}); your text is kept, try again.`);
    } finally {
      button.disabled = false;
      textarea.focus();
    }
  });
}
