// The customer's side of the reference widget: start a chat (or resume one), then follow it live and post
// with a customer token (Authorization: Bearer), which reaches nothing but this session. Live means an
// event stream (EventSource) where the browser has one, else the long-poll loops: the messages, the queue
// position, the agent joining, the agent typing, and the end of the chat.
//
// Where the token comes from: in production, your site's backend creates the session and mints the token
// (the `token` command's format) and opens this page as widget/#session=<id>&token=<token> (the fragment
// never reaches a server log). In development, the start form asks the server's POST /dev/StartChat,
// which exists only when devStartChat is on, and the page reads its topic (welcome text, whether it is open, the
// offline texts) from GET /dev/ChatTopic/{id}; in production your backend renders those into the page instead.
// When the topic is closed the page shows its offline text and, when the topic's Widget.OfflineFields names any
// field, an offline form (a session with Status OfflineForm, which never queues, holding the visitor's message).
// After a chat ends, a topic with WidgetEnableRating asks for a rating (PUT ChatSession/{id}/Rating).
import {
  call, composer, ENDED, hasFlag, LiveSession, MessageList, postMessage, showError, showState, TypingSignal,
} from './chat.js';

const STORAGE_KEY = 'chat-api.widget';
const $ = (id) => document.getElementById(id);

const list = new MessageList($('messages'), (m) => m.Type === 'ToUser');
let chat = null; // { sessionId, token, name }
let stream = null;
let typing = null;
let agentName = null;
let topic = null; // the customer's view of the chat's topic, once known
const TOPIC_ID = Number(document.body.dataset.topic || 1);

function fromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const sessionId = Number(params.get('session'));
  const token = params.get('token');
  if (!Number.isInteger(sessionId) || sessionId < 1 || !token) return null;
  history.replaceState(null, '', location.pathname); // keep the token out of the address bar
  const topic = Number(params.get('topic'));
  return { sessionId, token, name: params.get('name') || '', ...(Number.isInteger(topic) && topic > 0 ? { topic } : {}) };
}

function saved() {
  try {
    return JSON.parse(sessionStorage.getItem(STORAGE_KEY));
  } catch {
    return null;
  }
}

function open(started) {
  chat = { topic: TOPIC_ID, ...started };
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(chat));
  $('start').hidden = true;
  $('conversation').hidden = false;
  $('session-id').textContent = chat.sessionId;
  list.clear();
  agentName = null;
  const auth = () => ({ Authorization: `Bearer ${chat.token}` });
  typing = new TypingSignal({ sessionId: chat.sessionId, auth, flag: 'CustomerIsTyping' });
  stream = new LiveSession({
    sessionId: chat.sessionId,
    auth,
    token: chat.token,
    onMessages: (messages) => list.add(messages),
    onSession: showSession,
    onDeleted: () => end('This chat has ended.'),
    onState: (state, detail) => {
      showState($('status'), state, detail);
      if (state === 'stopped' && detail && (detail.status === 401 || detail.status === 403 || detail.status === 404)) {
        end('This chat has ended (its token is no longer valid).');
      }
    },
  });
  $('conversation').dataset.transport = stream.streaming ? 'event-stream' : 'long-poll';
  stream.start();
  call('GET', `/api/v1/ChatTopic/${chat.topic}`, { auth: auth() }).then((t) => {
    topic = t;
    showWelcome(t);
  }, () => {}); // the settings only add to the page
  $('text').focus();
}

/** The session's state: the queue position while waiting, who joined, whether the agent types, the end. */
function showSession(s) {
  const notice = $('notice');
  if (ENDED.has(s.Status) || s.WhenEnded) {
    notice.textContent = 'This chat has ended.';
    notice.dataset.kind = 'ended';
    $('compose').hidden = true;
    askRating();
  } else if (s.Status === 'InQueue' && s.QueuePosition) {
    notice.textContent = s.QueuePosition === 1 ? 'You are next in the queue.'
      : `You are number ${s.QueuePosition} in the queue.`;
    notice.dataset.kind = 'queue';
    notice.dataset.position = s.QueuePosition;
  } else {
    notice.textContent = '';
    notice.dataset.kind = '';
  }
  notice.hidden = !notice.textContent;
  if (s.User && s.User.FullName !== agentName) {
    agentName = s.User.FullName;
    $('agent').textContent = `${agentName} joined the chat.`;
    $('agent').hidden = false;
  }
  const agentTypes = hasFlag(s.Flags, 'UserIsTyping');
  $('typing').textContent = agentTypes ? `${agentName || 'The agent'} is typing…` : '';
  $('typing').hidden = !agentTypes;
}

/** The topic's welcome text above the chat (the widget's own, else the topic's). */
function showWelcome(t) {
  const widget = t.Widget || {};
  const text = [widget.WelcomeTitle, widget.WelcomeMessage || t.WelcomeMessage].filter(Boolean).join(' ');
  $('welcome').textContent = text;
  $('welcome').hidden = !text;
}

/** After the end, in a topic that takes ratings: the rating form, unless this chat was rated already. */
let ratingAsked = false;
async function askRating() {
  if (ratingAsked || !chat) return;
  ratingAsked = true;
  const auth = { Authorization: `Bearer ${chat.token}` };
  try {
    const t = topic || await call('GET', `/api/v1/ChatTopic/${chat.topic}`, { auth });
    if (!t.WidgetEnableRating) return;
    if (t.WidgetRatingText) $('rating-text').textContent = t.WidgetRatingText;
    await call('GET', `/api/v1/ChatSession/${chat.sessionId}/Rating`, { auth });
    $('rated').hidden = false; // rated before (a reload)
  } catch (error) {
    if (error.status === 404) $('rating').hidden = false;
  }
}

$('rating').addEventListener('submit', async (e) => {
  e.preventDefault();
  const button = e.submitter;
  button.disabled = true;
  showError($('rating-error'), '');
  const rating = Number(new FormData($('rating')).get('rating'));
  try {
    await call('PUT', `/api/v1/ChatSession/${chat.sessionId}/Rating`, {
      auth: { Authorization: `Bearer ${chat.token}` }, body: { Rating: rating, Comment: $('rating-comment').value.trim() },
    });
    $('rating').hidden = true;
    $('rated').hidden = false;
  } catch (error) {
    showError($('rating-error'), `The rating was not stored: ${error.message}`);
  } finally {
    button.disabled = false;
  }
});

function end(reason) {
  sessionStorage.removeItem(STORAGE_KEY);
  $('compose').hidden = true;
  showError($('send-error'), reason);
}

$('text').addEventListener('input', () => typing && typing.changed($('text').value));

$('start').addEventListener('submit', async (e) => {
  e.preventDefault();
  const button = e.submitter;
  button.disabled = true;
  showError($('start-error'), '');
  const name = $('name').value.trim();
  try {
    const started = await call('POST', '/dev/StartChat', {
      body: { TopicId: TOPIC_ID, CustomerName: name, CustomerEmail: $('email').value.trim() },
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
    list.add([stored]); // shown now; the stream brings it too and it is not shown twice
    typing.stopped();
  },
  failed: () => {
    stream.retryNow(); // the connection may be down: do not wait out the back-off
    return false;
  },
});

/** Before a chat: the topic's welcome text, or its offline text and form while it is closed (development server). */
async function showTopic() {
  let widgetTopic;
  try {
    widgetTopic = await call('GET', `/dev/ChatTopic/${TOPIC_ID}`);
  } catch {
    return; // no development server: the site renders its own texts
  }
  showWelcome(widgetTopic.Topic);
  if (widgetTopic.IsOpen) return;
  const widget = widgetTopic.Topic.Widget || {};
  $('start').hidden = true;
  $('welcome').hidden = true;
  $('offline').hidden = false;
  if (widget.OfflineHeader) $('offline-header').textContent = widget.OfflineHeader;
  $('offline-message').textContent = widget.OfflineMessage || '';
  $('offline-form').hidden = !widget.OfflineFields;
}

$('offline-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const button = e.submitter;
  button.disabled = true;
  showError($('offline-error'), '');
  const name = $('offline-name').value.trim();
  const text = $('offline-text').value.trim();
  if (!name || !text) {
    showError($('offline-error'), 'Please give your name and a message.');
    button.disabled = false;
    return;
  }
  try {
    const started = await call('POST', '/dev/StartChat', {
      body: { TopicId: TOPIC_ID, CustomerName: name, CustomerEmail: $('offline-email').value.trim(), Status: 'OfflineForm' },
    });
    await postMessage(started.ChatSessionId, () => ({ Authorization: `Bearer ${started.Token}` }),
      { Message: text, Type: 'ToUser', Author: name });
    $('offline-form').hidden = true;
    $('offline-sent').hidden = false;
  } catch (error) {
    showError($('offline-error'), `Your message was not sent: ${error.message}`);
  } finally {
    button.disabled = false;
  }
});

const resumed = fromFragment() || saved();
if (resumed) open(resumed);
else showTopic();
