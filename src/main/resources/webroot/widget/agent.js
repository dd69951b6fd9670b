// The agent console of the reference widget. Signs in with POST /api/v1/Authenticate (Basic, once); the server sets
// the HttpOnly SOTicket cookie and the XSRF-TOKEN cookie, and every later call echoes the latter in an X-XSRF-TOKEN
// header (double submit), so the page never holds the password or the ticket.
//
// The queue is one event stream, GET /api/v1/ChatSession/ForCurrentUser with Accept: text/event-stream: each
// `queue` event is the whole list (sessions waiting in the topics the agent responds in while present, its own
// chats, transfers offered to it), pushed by the server when it changes; the page never polls it. Presence is not
// pushed, so the page reopens the stream after changing it. Each open chat is a LiveSession (chat.js) of its own,
// so that chats in the background count their unread messages and show the customer typing. Over HTTP/1.1 a
// browser keeps at most 6 connections to a host and every stream holds one: there, at most MAX_LIVE_CHATS chats
// stream at once (with the queue's, one connection stays free for everything else the page sends); the chats
// shown least lately pause, marked "paused", and catch up when shown again. Over HTTP/2 all of them stream.
import {
  ApiError, backoff, call, composer, ENDED, hasFlag, LiveSession, MessageList, postMessage, showError, showState,
  TypingSignal,
} from './chat.js';

const USER_KEY = 'chat-api.agent';
const NAVIGATION = performance.getEntriesByType('navigation')[0];
const MAX_LIVE_CHATS = NAVIGATION && /^h[23]$/.test(NAVIGATION.nextHopProtocol) ? Infinity : 4;
const ACTIVE = new Set(['CustomerLast', 'UserLast']);
const $ = (id) => document.getElementById(id);

const me = { login: null, associateId: null, fullName: null };
const topics = new Map(); // topic id → { name, responders: [{ associateId, fullName }] }
const chats = new Map(); // session id → Chat
let present = false;
let queue = null; // the queue's EventSource
let queueFailures = 0;
let queueTimer = null;
let active = null; // the Chat shown in the pane

function cookie(name) {
  const found = document.cookie.split('; ').find((c) => c.startsWith(`${name}=`));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : null;
}

const auth = () => ({ 'X-XSRF-TOKEN': cookie('XSRF-TOKEN') || '' });

function basic(user, password) {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

const api = (method, path, body) => call(method, path, { auth: auth(), body });

/** One chat the console follows: its messages (a list element of its own), its live state and unread count. */
class Chat {
  constructor(entity, pinned) {
    this.id = entity.ChatSessionId;
    this.entity = entity;
    this.pinned = pinned; // opened by number: kept even when it is not one of the agent's chats
    this.unread = 0;
    this.shownAt = Date.now(); // when it was last shown: the chats shown least lately pause first
    this.paused = false; // its stream stopped to free a connection (HTTP/1.1); it resumes when shown
    this.session = { Status: entity.Status, Flags: entity.Flags };
    this.state = ['connecting'];
    this.element = document.createElement('ol');
    this.element.className = 'messages';
    this.element.setAttribute('aria-live', 'polite');
    this.list = new MessageList(this.element, (m) => m.Type === 'ToCustomer');
    this.typing = new TypingSignal({ sessionId: this.id, auth, flag: 'UserIsTyping' });
    this.item = document.createElement('li');
    this.item.dataset.id = this.id;
    this.button = document.createElement('button');
    this.button.type = 'button';
    this.button.className = 'chat-item';
    this.button.addEventListener('click', () => activate(this));
    this.item.append(this.button);
    this.stream = new LiveSession({
      sessionId: this.id,
      auth,
      onMessages: (messages) => this.received(messages),
      onSession: (s) => this.changed(s),
      onDeleted: () => this.changed({ ...this.session, Status: 'Deleted' }),
      onState: (state, detail) => {
        this.state = [state, detail];
        if (active === this) showState($('status'), state, detail);
        if (state === 'stopped' && detail && detail.status === 401) signedOut('Your sign-in has expired; sign in again.');
      },
    });
    this.stream.start();
    this.render();
  }

  received(messages) {
    this.list.add(messages);
    if (active !== this || document.hidden) {
      this.unread += messages.filter((m) => m.Type === 'ToUser').length;
      this.render();
    }
  }

  changed(s) {
    this.session = s;
    this.render();
    if (active === this) showChat(this);
  }

  get customerTypes() {
    return hasFlag(this.session.Flags, 'CustomerIsTyping');
  }

  get ended() {
    return ENDED.has(this.session.Status);
  }

  render() {
    const name = this.entity.CustomerName || `Chat ${this.id}`;
    const parts = [name];
    if (this.customerTypes) parts.push('typing…');
    if (this.ended) parts.push('ended');
    if (this.paused) parts.push('paused');
    this.button.textContent = parts.join(' · ');
    this.item.dataset.unread = this.unread;
    this.item.classList.toggle('current', active === this);
    if (this.unread > 0) {
      const badge = document.createElement('span');
      badge.className = 'unread';
      badge.textContent = this.unread;
      badge.setAttribute('aria-label', `${this.unread} unread`);
      this.button.append(' ', badge);
    }
  }

  stop() {
    this.stream.stop();
    this.item.remove();
  }

  /** Stops its stream to free a connection; resume() catches up from the last message shown. */
  pause() {
    this.paused = true;
    this.stream.stop();
    this.render();
  }

  resume() {
    if (!this.paused) return;
    this.paused = false;
    this.stream.start();
    this.render();
  }
}

/** Keeps at most MAX_LIVE_CHATS chats streaming: the ones shown least lately pause (never the one shown). */
function keepConnectionsFree() {
  const live = [...chats.values()].filter((c) => c.stream.running && c !== active)
    .sort((a, b) => a.shownAt - b.shownAt);
  let streaming = live.length + (active && active.stream.running ? 1 : 0);
  for (const chat of live) {
    if (streaming <= MAX_LIVE_CHATS) break;
    chat.pause();
    streaming -= 1;
  }
}

function signedIn(user) {
  me.login = user;
  sessionStorage.setItem(USER_KEY, user);
  $('login').hidden = true;
  $('console').hidden = false;
  $('agent-name').textContent = user;
  showState($('status'), 'idle');
  $('status').textContent = 'Signed in';
  loadDirectory().then(openQueue).catch((error) => {
    if (error.status === 401) signedOut('Your sign-in has expired; sign in again.');
    else showError($('open-error'), `The console could not load your topics: ${error.message}`);
  });
  const fromHash = Number(new URLSearchParams(location.hash.slice(1)).get('session'));
  if (Number.isInteger(fromHash) && fromHash > 0) {
    $('session').value = fromHash;
    openSession(fromHash);
  }
}

function signedOut(message) {
  closeQueue();
  for (const chat of chats.values()) chat.stop();
  chats.clear();
  active = null;
  sessionStorage.removeItem(USER_KEY);
  $('console').hidden = true;
  $('conversation').hidden = true;
  $('login').hidden = false;
  $('status').dataset.state = 'idle';
  $('status').textContent = 'Signed out';
  showError($('login-error'), message);
}

/** The caller's topics, who responds in each (transfer targets), its own associate id and its presence. */
async function loadDirectory() {
  const mine = await api('GET', '/api/v1/ChatTopic/ForCurrentUser');
  topics.clear();
  await Promise.all(mine.map(async (topic) => {
    const agents = await api('GET', `/api/v1/ChatTopic/${topic.ChatTopicId}/UserAgent`);
    for (const a of agents) {
      if (a.User && String(a.User.Name).toLowerCase() === me.login.toLowerCase()) {
        me.associateId = a.User.AssociateId;
        me.fullName = a.User.FullName;
      }
    }
    topics.set(topic.ChatTopicId, {
      name: topic.Name,
      responders: agents.filter((a) => a.CanRespond && a.User)
        .map((a) => ({ associateId: a.User.AssociateId, fullName: a.User.FullName || a.User.Name })),
    });
  }));
  const everyone = await api('GET', '/api/v1/Presence/GetAll');
  const own = everyone.find((p) => p.UserId === me.associateId);
  showPresence(Boolean(own && own.Present));
}

function showPresence(value) {
  present = value;
  const button = $('presence');
  button.textContent = present ? 'Present' : 'Away';
  button.dataset.present = String(present);
  button.setAttribute('aria-pressed', String(present));
  button.title = present ? 'You are taking chats; click to go away' : 'You are away; click to take chats';
}

/** Opens (or reopens) the queue's event stream. */
function openQueue() {
  closeQueue();
  if (typeof EventSource !== 'function') {
    showError($('open-error'), 'This browser has no EventSource: the console cannot follow the queue.');
    return;
  }
  showState($('queue-status'), queueFailures === 0 ? 'connecting' : 'reconnecting', { seconds: 1 });
  const source = new EventSource('/api/v1/ChatSession/ForCurrentUser');
  queue = source;
  source.onopen = () => {
    queueFailures = 0;
    showState($('queue-status'), 'live');
    $('queue-status').textContent = 'Queue live';
  };
  source.addEventListener('queue', (e) => showQueue(JSON.parse(e.data)));
  source.onerror = () => {
    if (source.readyState === 0) { // the browser reconnects by itself
      showState($('queue-status'), 'reconnecting', { seconds: 1 });
      return;
    }
    source.close();
    queue = null;
    queueFailures += 1;
    // Refused: find out whether the sign-in still holds, else try again after a back-off.
    api('GET', '/api/v1/ChatSession/ForCurrentUser').then(() => null, (error) => error).then((error) => {
      if (error instanceof ApiError && error.status === 401) {
        signedOut('Your sign-in has expired; sign in again.');
        return;
      }
      const delay = backoff(queueFailures);
      showState($('queue-status'), 'reconnecting', { seconds: Math.ceil(delay / 1000) });
      queueTimer = setTimeout(openQueue, delay);
    });
  };
}

function closeQueue() {
  clearTimeout(queueTimer);
  if (queue) queue.close();
  queue = null;
}

/** A `queue` event: the waiting sessions, the transfers offered to this agent and its own chats. */
function showQueue(list) {
  const waiting = list.filter((s) => s.Status === 'InQueue')
    .sort((a, b) => Date.parse(a.WhenRequested) - Date.parse(b.WhenRequested) || a.ChatSessionId - b.ChatSessionId);
  $('queue').replaceChildren(...waiting.map(queueItem));
  $('queue-count').textContent = waiting.length;
  $('queue-empty').hidden = waiting.length > 0;
  tick();

  const offered = list.filter((s) => s.TransferTo && s.TransferTo.AssociateId === me.associateId);
  $('transfers').replaceChildren(...offered.map(transferItem));
  $('transfers-title').hidden = offered.length === 0;

  const mine = list.filter((s) => ACTIVE.has(s.Status) && s.User && s.User.AssociateId === me.associateId);
  for (const s of mine) {
    const chat = chats.get(s.ChatSessionId);
    if (chat) {
      chat.entity = s;
      chat.render();
    } else {
      addChat(s, false);
    }
  }
  const ids = new Set(mine.map((s) => s.ChatSessionId));
  for (const chat of [...chats.values()]) {
    if (!chat.pinned && !ids.has(chat.id) && active !== chat) { // handed on or ended elsewhere
      chat.stop();
      chats.delete(chat.id);
    }
  }
  if (active) {
    const transfer = list.find((s) => s.ChatSessionId === active.id);
    showPendingTransfer(transfer ? transfer.TransferTo : null);
  }
}

function queueItem(s) {
  const item = document.createElement('li');
  item.className = 'queued';
  item.dataset.id = s.ChatSessionId;
  const who = document.createElement('strong');
  who.textContent = s.CustomerName || `Visitor ${s.ChatSessionId}`;
  const wait = document.createElement('span');
  wait.className = 'wait';
  wait.dataset.since = Date.parse(s.WhenRequested);
  const topic = topics.get(s.TopicId);
  const first = document.createElement('p');
  first.className = 'first';
  first.textContent = s.FirstMessage || '(no message yet)';
  const pick = document.createElement('button');
  pick.type = 'button';
  pick.className = 'pickup';
  pick.textContent = 'Pick up';
  pick.addEventListener('click', () => pickup(s.ChatSessionId, pick));
  item.append(who, ' ', wait, topic ? ` · ${topic.name}` : '', first, pick);
  return item;
}

function transferItem(s) {
  const item = document.createElement('li');
  item.className = 'transfer';
  item.dataset.id = s.ChatSessionId;
  const text = document.createElement('span');
  text.textContent = `${s.CustomerName || `Chat ${s.ChatSessionId}`} from ${s.User ? s.User.FullName : 'another agent'}`;
  const accept = document.createElement('button');
  accept.type = 'button';
  accept.className = 'accept';
  accept.textContent = 'Accept';
  accept.addEventListener('click', () => act(accept, `/api/v1/ChatSession/${s.ChatSessionId}/AcceptTransfer`)
    .then((entity) => entity && activate(chats.get(entity.ChatSessionId) || addChat(entity, false))));
  const reject = document.createElement('button');
  reject.type = 'button';
  reject.className = 'reject';
  reject.textContent = 'Reject';
  reject.addEventListener('click', () => act(reject, `/api/v1/ChatSession/${s.ChatSessionId}/RejectTransfer`));
  item.append(text, ' ', accept, ' ', reject);
  return item;
}

/** Waiting times, counted on the page (m:ss since WhenRequested). */
function tick() {
  const now = Date.now();
  for (const wait of document.querySelectorAll('#queue .wait')) {
    const seconds = Math.max(0, Math.floor((now - Number(wait.dataset.since)) / 1000));
    wait.textContent = `waiting ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  }
}
setInterval(tick, 1000);

/** POSTs an action, the button disabled meanwhile; answers the session, or null after showing why it failed. */
async function act(button, path) {
  button.disabled = true;
  showError($('open-error'), '');
  try {
    return await api('POST', path);
  } catch (error) {
    if (error.status === 401) signedOut('Your sign-in has expired; sign in again.');
    else showError($('open-error'), error.message);
    return null;
  } finally {
    button.disabled = false;
  }
}

async function pickup(id, button) {
  button.disabled = true;
  showError($('open-error'), '');
  try {
    const entity = await api('POST', `/api/v1/ChatSession/${id}/Pickup`);
    activate(chats.get(id) || addChat(entity, false));
  } catch (error) {
    if (error.status === 401) return signedOut('Your sign-in has expired; sign in again.');
    showError($('open-error'), error.status === 409 ? `Chat ${id} was picked up by someone else.` : error.message);
  } finally {
    button.disabled = false;
  }
  return undefined;
}

$('pickup-next').addEventListener('click', async (e) => {
  const button = e.currentTarget;
  button.disabled = true;
  showError($('open-error'), '');
  try {
    const entity = await api('POST', '/api/v1/ChatSession/Pickup');
    activate(chats.get(entity.ChatSessionId) || addChat(entity, false));
  } catch (error) {
    if (error.status === 401) signedOut('Your sign-in has expired; sign in again.');
    else showError($('open-error'), error.status === 404 ? 'Nobody is waiting.' : error.message);
  } finally {
    button.disabled = false;
  }
});

$('presence').addEventListener('click', async (e) => {
  const button = e.currentTarget;
  button.disabled = true;
  try {
    await api('POST', '/api/v1/Presence/SaveAll', [{ UserId: me.associateId, Present: !present }]);
    showPresence(!present);
    openQueue(); // presence changes are not pushed: the stream's list is read again
  } catch (error) {
    showError($('open-error'), `Presence not changed: ${error.message}`);
  } finally {
    button.disabled = false;
  }
});

function addChat(entity, pinned) {
  const chat = new Chat(entity, pinned);
  chats.set(chat.id, chat);
  $('chats').append(chat.item);
  keepConnectionsFree();
  return chat;
}

/** Shows a chat in the pane: its messages, details, typing and actions; its unread count goes to 0. */
function activate(chat) {
  const previous = active;
  active = chat;
  if (previous && previous !== chat) {
    previous.render();
    if (!previous.pinned && !chats.has(previous.id)) previous.stop();
    else if (!previous.pinned && previous.ended) { // an ended chat leaves the list once left
      previous.stop();
      chats.delete(previous.id);
    }
  }
  chat.unread = 0;
  chat.shownAt = Date.now();
  chat.resume();
  keepConnectionsFree();
  location.hash = `session=${chat.id}`;
  const old = $('messages');
  if (old !== chat.element) {
    old.removeAttribute('id');
    chat.element.id = 'messages';
    old.replaceWith(chat.element);
  }
  const topic = topics.get(chat.entity.TopicId);
  $('customer').textContent = [chat.entity.CustomerName, chat.entity.CustomerEmail].filter(Boolean).join(' · ') || '(unnamed)';
  $('topic').textContent = topic ? topic.name : chat.entity.TopicId;
  const targets = topic ? topic.responders.filter((r) => r.associateId !== me.associateId) : [];
  $('transfer-to').replaceChildren(...targets.map((r) => new Option(r.fullName, r.associateId)));
  showPendingTransfer(chat.entity.TransferTo);
  $('conversation').hidden = false;
  showState($('status'), ...chat.state);
  chat.render();
  showChat(chat);
  chat.element.scrollTop = chat.element.scrollHeight;
  $('text').value = '';
  $('text').focus();
}

/** The active chat's live state in the pane. */
function showChat(chat) {
  $('session-status').textContent = chat.session.Status;
  $('typing').textContent = chat.customerTypes ? 'The customer is typing…' : '';
  $('typing').hidden = !chat.customerTypes;
  const mine = ACTIVE.has(chat.session.Status) && chat.session.User
    && chat.session.User.AssociateId === me.associateId;
  $('end').disabled = !mine;
  $('transfer').disabled = !mine || $('transfer-to').options.length === 0;
  $('compose').hidden = chat.ended;
}

function showPendingTransfer(to) {
  const notice = $('action-notice');
  notice.textContent = to && to.AssociateId !== me.associateId ? `Waiting for ${to.FullName} to accept the transfer…` : '';
  notice.hidden = !notice.textContent;
}

async function openSession(id) {
  showError($('open-error'), '');
  const known = chats.get(id);
  if (known) return activate(known);
  let entity;
  try {
    entity = await api('GET', `/api/v1/ChatSession/${id}?$select=ChatSessionId,CustomerName,CustomerEmail,Status,TopicId,User,TransferTo`);
  } catch (error) {
    if (error.status === 401) return signedOut('Your sign-in has expired; sign in again.');
    return showError($('open-error'), error.message);
  }
  return activate(chats.get(id) || addChat(entity, true));
}

$('transfer').addEventListener('click', async (e) => {
  const chat = active;
  const to = $('transfer-to').value;
  const entity = await act(e.currentTarget, `/api/v1/ChatSession/${chat.id}/TransferTo/${to}`);
  if (entity) showPendingTransfer(entity.TransferTo);
});

$('end').addEventListener('click', async (e) => {
  const chat = active;
  const entity = await act(e.currentTarget, `/api/v1/ChatSession/${chat.id}/Close`);
  if (entity) chat.changed({ ...chat.session, Status: entity.Status, WhenEnded: entity.WhenEnded });
});

$('transcript').addEventListener('click', async (e) => {
  const chat = active;
  const button = e.currentTarget;
  button.disabled = true;
  try {
    const text = await api('POST', `/api/v1/ChatSession/${chat.id}/Transcript`);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    link.download = `chat-${chat.id}-transcript.txt`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  } catch (error) {
    showError($('open-error'), `No transcript: ${error.message}`);
  } finally {
    button.disabled = false;
  }
});

$('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const button = e.submitter;
  button.disabled = true;
  showError($('login-error'), '');
  const user = $('user').value.trim();
  try {
    await call('POST', '/api/v1/Authenticate', { auth: { Authorization: basic(user, $('password').value) } });
    $('password').value = '';
    signedIn(user);
  } catch (error) {
    showError($('login-error'), error.status === 401 ? 'Wrong user name or password.' : `Sign-in failed: ${error.message}`);
  } finally {
    button.disabled = false;
  }
});

$('open').addEventListener('submit', (e) => {
  e.preventDefault();
  openSession(Number($('session').value));
});

composer({
  form: $('compose'),
  textarea: $('text'),
  errors: $('send-error'),
  send: async (text) => {
    const chat = active;
    // The display name, never the login name (half of a Basic credential), as the server's own messages do.
    const stored = await postMessage(chat.id, auth, { Message: text, Type: 'ToCustomer', Author: me.fullName || 'Agent' });
    chat.list.add([stored]);
    chat.typing.stopped();
  },
  failed: (error) => {
    if (error.status === 401) {
      signedOut('Your sign-in has expired; sign in again.');
      return true;
    }
    if (active) active.stream.retryNow();
    return false;
  },
});

$('text').addEventListener('input', () => active && active.typing.changed($('text').value));

// A reload keeps the sign-in (the cookies outlive the page); the first call finds out whether it still holds.
const user = sessionStorage.getItem(USER_KEY);
if (user && cookie('XSRF-TOKEN')) signedIn(user);
