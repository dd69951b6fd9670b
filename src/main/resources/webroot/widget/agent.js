// The agent's side of the reference widget. Signs in with POST /api/v1/Authenticate (Basic, once); the
// server sets the HttpOnly SOTicket cookie and the XSRF-TOKEN cookie, and every later call echoes the
// latter in an X-XSRF-TOKEN header (double submit), so the page never holds the password or the ticket.
import {
  call, composer, hasFlag, LiveSession, MessageList, postMessage, showError, showState, TypingSignal,
} from './chat.js';

const USER_KEY = 'chat-api.agent';
const $ = (id) => document.getElementById(id);

const list = new MessageList($('messages'), (m) => m.Type === 'ToCustomer');
let stream = null;
let sessionId = null;
let typing = null;

function cookie(name) {
  const found = document.cookie.split('; ').find((c) => c.startsWith(`${name}=`));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : null;
}

const auth = () => ({ 'X-XSRF-TOKEN': cookie('XSRF-TOKEN') || '' });

function basic(user, password) {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

function signedIn(user) {
  sessionStorage.setItem(USER_KEY, user);
  $('login').hidden = true;
  $('console').hidden = false;
  $('agent-name').textContent = user;
  showState($('status'), 'idle');
  $('status').textContent = 'Signed in';
  const fromHash = Number(new URLSearchParams(location.hash.slice(1)).get('session'));
  if (Number.isInteger(fromHash) && fromHash > 0) {
    $('session').value = fromHash;
    openSession(fromHash);
  } else {
    $('session').focus();
  }
}

function signedOut(message) {
  if (stream) stream.stop();
  sessionStorage.removeItem(USER_KEY);
  $('console').hidden = true;
  $('login').hidden = false;
  $('status').dataset.state = 'idle';
  $('status').textContent = 'Signed out';
  showError($('login-error'), message);
}

async function openSession(id) {
  showError($('open-error'), '');
  let entity;
  try {
    entity = await call('GET', `/api/v1/ChatSession/${id}?$select=ChatSessionId,CustomerName,CustomerEmail,Status,TopicId`,
      { auth: auth() });
  } catch (error) {
    if (error.status === 401) return signedOut('Your sign-in has expired; sign in again.');
    return showError($('open-error'), error.message);
  }
  if (stream) stream.stop();
  sessionId = id;
  location.hash = `session=${id}`;
  $('customer').textContent = [entity.CustomerName, entity.CustomerEmail].filter(Boolean).join(' · ') || '(unnamed)';
  $('session-status').textContent = entity.Status;
  $('topic').textContent = entity.TopicId;
  $('conversation').hidden = false;
  list.clear();
  typing = new TypingSignal({ sessionId: id, auth, flag: 'UserIsTyping' });
  stream = new LiveSession({
    sessionId: id,
    auth,
    onMessages: (messages) => list.add(messages),
    onSession: (s) => {
      $('session-status').textContent = s.Status;
      const customerTypes = hasFlag(s.Flags, 'CustomerIsTyping');
      $('typing').textContent = customerTypes ? 'The customer is typing…' : '';
      $('typing').hidden = !customerTypes;
    },
    onDeleted: () => showError($('open-error'), 'This chat was deleted.'),
    onState: (state, detail) => {
      showState($('status'), state, detail);
      if (state === 'stopped' && detail && detail.status === 401) signedOut('Your sign-in has expired; sign in again.');
    },
  });
  stream.start();
  $('text').focus();
}

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
    const stored = await postMessage(sessionId, auth, { Message: text, Type: 'ToCustomer', Author: $('agent-name').textContent });
    list.add([stored]);
    typing.stopped();
  },
  failed: (error) => {
    if (error.status === 401) {
      signedOut('Your sign-in has expired; sign in again.');
      return true;
    }
    stream.retryNow();
    return false;
  },
});

$('text').addEventListener('input', () => typing && typing.changed($('text').value));

// A reload keeps the sign-in (the cookies outlive the page); the first call finds out whether it still holds.
const user = sessionStorage.getItem(USER_KEY);
if (user && cookie('XSRF-TOKEN')) signedIn(user);
