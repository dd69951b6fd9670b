// The customer's side of the reference widget: start a chat (or resume one), then poll and post with a
// customer token (Authorization: Bearer), which reaches nothing but this session's messages.
//
// Where the token comes from: in production, your site's backend creates the session and mints the token
// (the `token` command's format) and opens this page as widget/#session=<id>&token=<token> (the fragment
// never reaches a server log). In development, the start form asks the server's POST /dev/StartChat,
// which exists only when devStartChat is on.
import { call, composer, MessageList, MessageStream, postMessage, showError, showState } from './chat.js';

const STORAGE_KEY = 'chat-api.widget';
const $ = (id) => document.getElementById(id);

const list = new MessageList($('messages'), (m) => m.Type === 'ToUser');
let chat = null; // { sessionId, token, name }
let stream = null;

function fromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const sessionId = Number(params.get('session'));
  const token = params.get('token');
  if (!Number.isInteger(sessionId) || sessionId < 1 || !token) return null;
  history.replaceState(null, '', location.pathname); // keep the token out of the address bar
  return { sessionId, token, name: params.get('name') || '' };
}

function saved() {
  try {
    return JSON.parse(sessionStorage.getItem(STORAGE_KEY));
  } catch {
    return null;
  }
}

function open(started) {
  chat = started;
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(chat));
  $('start').hidden = true;
  $('conversation').hidden = false;
  $('session-id').textContent = chat.sessionId;
  list.clear();
  stream = new MessageStream({
    sessionId: chat.sessionId,
    auth: () => ({ Authorization: `Bearer ${chat.token}` }),
    onMessages: (messages) => list.add(messages),
    onState: (state, detail) => {
      showState($('status'), state, detail);
      if (state === 'stopped' && detail && (detail.status === 401 || detail.status === 403)) {
        end('This chat has ended (its token is no longer valid).');
      }
    },
  });
  stream.start();
  $('text').focus();
}

function end(reason) {
  sessionStorage.removeItem(STORAGE_KEY);
  $('compose').hidden = true;
  showError($('send-error'), reason);
}

$('start').addEventListener('submit', async (e) => {
  e.preventDefault();
  const button = e.submitter;
  button.disabled = true;
  showError($('start-error'), '');
  const name = $('name').value.trim();
  try {
    const started = await call('POST', '/dev/StartChat', {
      body: { TopicId: Number(document.body.dataset.topic || 1), CustomerName: name, CustomerEmail: $('email').value.trim() },
    });
    open({ sessionId: started.ChatSessionId, token: started.Token, name });
  } catch (error) {
    showError($('start-error'), error.status === 404
      ? 'Chats are started by the site: this server does not start them itself (devStartChat is off).'
      : `The chat could not be started: ${error.message}`);
  } finally {
    button.disabled = false;
  }
});

composer({
  form: $('compose'),
  textarea: $('text'),
  errors: $('send-error'),
  send: async (text) => {
    const stored = await postMessage(chat.sessionId, () => ({ Authorization: `Bearer ${chat.token}` }),
      { Message: text, Type: 'ToUser', Author: chat.name });
    list.add([stored]); // shown now; the poll brings it too and it is not shown twice
  },
  failed: () => {
    stream.retryNow(); // the connection may be down: do not wait out the back-off
    return false;
  },
});

const resumed = fromFragment() || saved();
if (resumed) open(resumed);
