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

/**
 * A live session: its messages and its session events (status, agent, queue position, typing). With
 * EventSource, one Server-Sent Events stream carries both (the browser reconnects by itself and resumes with
 * Last-Event-ID); without it, the long-poll loop above brings the messages and a second loop parks on the
 * session's ETag (GET …?wait=25 with If-None-Match) for its state. Calls onMessages(array) as MessageStream
 * does (ascending ids, never one twice), onSession(state) with {Status, Flags, QueuePosition, User:
 * {AssociateId, FullName}|null, WhenStarted, WhenEnded}, onState like MessageStream, and onDeleted().
 * `token` (a customer's) goes into the stream's URL as access_token, the only way an EventSource can send
 * it; an agent's page needs none (its ticket cookie goes along).
 */
export class LiveSession {
  constructor({ sessionId, auth, token, onMessages, onSession = () => {}, onState, onDeleted = () => {}, after = 0,
    eventSource = globalThis.EventSource }) {
    Object.assign(this, { sessionId, auth, token, onMessages, onSession, onState, onDeleted, after, eventSource });
    this.running = false;
    this.failures = 0;
  }

  /** Whether this page streams (EventSource) or long-polls. */
  get streaming() {
    return typeof this.eventSource === 'function';
  }

  start() {
    if (this.running) return;
    this.running = true;
    if (this.streaming) {
      this.open();
      return;
    }
    this.poll = new MessageStream({
      sessionId: this.sessionId, auth: this.auth, after: this.after, onState: this.onState,
      onMessages: (messages) => {
        this.after = messages[messages.length - 1].ChatMessageId;
        this.onMessages(messages);
      },
    });
    this.poll.start();
    this.watch();
  }

  stop(error) {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.reopenTimer);
    if (this.source) this.source.close();
    if (this.poll) this.poll.stop(error);
    if (this.watcher) this.watcher.abort();
    if (this.streaming) this.onState('stopped', error);
  }

  retryNow() {
    if (this.poll) this.poll.retryNow();
    if (this.source === null && this.running) {
      clearTimeout(this.reopenTimer);
      this.open();
    }
  }

  open() {
    this.onState(this.failures === 0 ? 'connecting' : 'reconnecting', { seconds: 1 });
    let url = `/api/v1/ChatSession/${this.sessionId}/Messages?after=${this.after}`;
    if (this.token) url += `&access_token=${encodeURIComponent(this.token)}`;
    const source = new this.eventSource(url);
    this.source = source;
    source.onopen = () => {
      this.failures = 0;
      this.onState('live');
    };
    source.addEventListener('message', (e) => {
      const m = JSON.parse(e.data);
      if (m.ChatMessageId <= this.after) return; // already shown (a reconnect that overlapped)
      this.after = m.ChatMessageId;
      this.onMessages([m]);
    });
    source.addEventListener('session', (e) => this.onSession(JSON.parse(e.data)));
    source.addEventListener('deleted', () => {
      this.onDeleted();
      this.stop();
    });
    source.onerror = () => {
      if (!this.running) return;
      if (source.readyState === 0) { // the browser reconnects by itself (retry: 1000), with Last-Event-ID
        this.onState('reconnecting', { seconds: 1 });
        return;
      }
      // Closed for good (an HTTP error: the server restarting, a lost credential): ask why, then reopen.
      source.close();
      this.source = null;
      this.failures += 1;
      this.diagnose();
    };
  }

  /** After a stream was refused: stop for what retrying will not mend (401, 403, 404), else back off and reopen. */
  async diagnose() {
    try {
      await call('GET', `/api/v1/ChatSession/${this.sessionId}?$select=ChatSessionId`, { auth: this.auth() });
    } catch (e) {
      if (e instanceof ApiError && !e.transient && e.status !== 0) {
        this.stop(e);
        return;
      }
    }
    if (!this.running) return;
    const delay = backoff(this.failures);
    this.onState('reconnecting', { seconds: Math.ceil(delay / 1000) });
    this.reopenTimer = setTimeout(() => this.running && this.open(), delay);
  }

  /** Without streams: parks on the session's ETag and reports each new state. */
  async watch() {
    let etag = null;
    let failures = 0;
    while (this.running) {
      this.watcher = new AbortController();
      const headers = { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest', ...this.auth() };
      if (etag) headers['If-None-Match'] = etag;
      try {
        const response = await fetch(`/api/v1/ChatSession/${this.sessionId}?wait=${etag ? WAIT_SECONDS : 0}`,
          { headers, credentials: 'same-origin', cache: 'no-store', signal: this.watcher.signal });
        if (response.status === 200) {
          etag = response.headers.get('ETag');
          this.onSession(sessionState(await response.json()));
        } else if (response.status !== 304) {
          throw new ApiError(response.status);
        }
        failures = 0;
      } catch (e) {
        if (!this.running || e.name === 'AbortError') return;
        failures += 1;
        await new Promise((resolve) => { setTimeout(resolve, backoff(failures)); });
      }
    }
  }
}

/** A session as GET answers it (an agent's entity or a customer's view) in the shape of a session event. */
export function sessionState(s) {
  return {
    ChatSessionId: s.ChatSessionId, Status: s.Status, Flags: s.Flags, QueuePosition: s.QueuePosition ?? null,
    User: s.User ? { AssociateId: s.User.AssociateId, FullName: s.User.FullName } : null,
    WhenStarted: s.WhenStarted, WhenEnded: s.WhenEnded,
  };
}

/** Whether a session's Flags (names, comma-separated) include one. */
export function hasFlag(flags, name) {
  return String(flags || '').split(',').map((f) => f.trim()).includes(name);
}

/** Statuses after which a chat is over. */
export const ENDED = new Set(['Closed', 'Finished', 'ClosedFromQueue', 'Deleted', 'Invalid']);

/**
 * Tells the other side that this one is typing: at most one update per 2 s while the text box has text (the
 * flag lasts 6 s on the server), and one "None" when it is emptied or the message is sent. Failures (a 429 at
 * the rate limit, the network) are ignored: typing is a hint.
 */
export class TypingSignal {
  constructor({ sessionId, auth, flag }) {
    Object.assign(this, { sessionId, auth, flag });
    this.typing = false;
    this.sentAt = 0;
  }

  /** The text box changed. */
  changed(text) {
    if (!text.trim()) {
      this.stopped();
    } else if (!this.typing || Date.now() - this.sentAt >= 2000) {
      this.send(this.flag);
      this.typing = true;
    }
  }

  /** The message was sent or the text cleared. */
  stopped() {
    if (!this.typing) return;
    this.typing = false;
    this.send('None');
  }

  send(flags) {
    this.sentAt = Date.now();
    call('PATCH', `/api/v1/ChatSession/${this.sessionId}`, { auth: this.auth(), body: { Flags: flags } })
      .catch(() => {});
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
