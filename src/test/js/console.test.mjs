// The agent console in a real browser, with two agents and three visitors, each in a Chromium context of its own:
// the live queue in order, an away agent not offered a session, a pickup race (one wins, the other's queue
// updates), several chats with unread counts and the customer's typing, a transfer accepted, a chat ended and
// rated, the transcript downloaded, and the offline form while nobody is present. Run by
// chatapi.widget.ConsoleBrowserTest, which checks the database afterwards from the "@@" lines printed here.
//
// Environment: BASE_URL (the server), CHROMIUM (the browser binary), SCREENSHOTS (a directory).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  api, BASE_URL, exchange, launch, log, shot, startChat, typingShows, WITHIN_MS,
} from './browser.mjs';

const { browser, pageErrors, newPage, explain } = await launch();

/** Signs an agent in on a console page of its own. */
async function signIn(user, password) {
  const page = await newPage('/widget/agent.html', { width: 1100, height: 760 });
  await page.fill('#user', user);
  await page.fill('#password', password);
  await page.click('#login button');
  await page.locator('#queue-status[data-state="live"]').waitFor({ timeout: 5000 });
  return page;
}

/** Waits (within WITHIN_MS) until the console's queue lists exactly these sessions, in this order. */
async function queueIs(page, ids) {
  const expected = ids.join(',');
  try {
    await page.waitForFunction((want) => [...document.querySelectorAll('#queue li')].map((li) => li.dataset.id)
      .join(',') === want, expected, { timeout: WITHIN_MS, polling: 50 });
  } catch (e) {
    const shown = await page.$$eval('#queue li', (items) => items.map((li) => li.dataset.id).join(','));
    throw new Error(`queue [${shown}] is not [${expected}] within ${WITHIN_MS} ms`);
  }
}

/** The session ids of the console's "My chats" list, in order. */
function chatsOf(page) {
  return page.$$eval('#chats li', (items) => items.map((li) => Number(li.dataset.id)));
}

/** A visitor's chat started from the script (the dev start the widget uses): { ChatSessionId, Token }. */
async function visitor(name) {
  const response = await fetch(`${BASE_URL}/dev/StartChat`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ TopicId: 1, CustomerName: name }),
  });
  assert.ok(response.ok, `start ${name}: ${response.status} ${await response.clone().text()}`);
  return response.json();
}

async function send(page, text) {
  await page.fill('#text', text);
  await page.click('#compose button');
  await page.locator('#messages .message', { hasText: text }).waitFor({ timeout: WITHIN_MS });
}

try {
  log('- the administrator makes topic 1 welcome visitors, ask for ratings and take offline messages');
  await api('PATCH', '/api/v1/ChatTopic/1', {
    WidgetEnableRating: true,
    WidgetRatingText: 'How was your chat?',
    Widget: { WelcomeTitle: 'Hi there!', WelcomeMessage: 'We answer within minutes.', OfflineHeader: 'We are closed.',
      OfflineMessage: 'Leave a message and we will write back.', OfflineFields: 'Name,Email,Message' },
  });

  log('- two agents sign in: tje0 is present, ann1 away');
  const tje0 = await signIn('tje0', 'Tje0');
  const ann1 = await signIn('ann1', 'Tje0');
  assert.equal(await tje0.getAttribute('#presence', 'data-present'), 'true');
  assert.equal(await ann1.getAttribute('#presence', 'data-present'), 'false');
  await queueIs(tje0, []);
  await queueIs(ann1, []);

  log('- a visitor sees the welcome text and starts a chat: the present agent is offered it within 1 s, the away one not');
  const astrid = await newPage('/widget/');
  await astrid.locator('#welcome', { hasText: 'Hi there! We answer within minutes.' }).waitFor({ timeout: 5000 });
  const a = await startChat(astrid, 'Astrid');
  log(`@@session-a ${a}`);
  await queueIs(tje0, [a]);
  await send(astrid, 'My bike has a flat tyre');
  await tje0.locator(`#queue li[data-id="${a}"] .first`, { hasText: 'My bike has a flat tyre' })
    .waitFor({ timeout: WITHIN_MS });
  assert.match(await tje0.textContent(`#queue li[data-id="${a}"] .wait`), /^waiting \d+:\d\d$/);
  await queueIs(ann1, []);
  assert.equal(await ann1.isVisible('#queue-empty'), true, 'the away agent is told nobody waits');

  log('- the away agent comes in: now it is offered the session too');
  await ann1.click('#presence');
  await ann1.locator('#presence[data-present="true"]').waitFor({ timeout: WITHIN_MS });
  await queueIs(ann1, [a]);

  log('- two more visitors: both queues list the three in the order they came');
  const bjorn = await newPage('/widget/');
  const b = await startChat(bjorn, 'Bjørn');
  const cecilie = await newPage('/widget/');
  const c = await startChat(cecilie, 'Cecilie');
  log(`@@session-b ${b}`);
  log(`@@session-c ${c}`);
  await queueIs(tje0, [a, b, c]);
  await queueIs(ann1, [a, b, c]);
  await shot(tje0, 'console-queue.png');

  log('- a pickup race: both agents pick up the first visitor at once; one wins, the other is told and its queue moves on');
  await Promise.all([tje0.click(`#queue li[data-id="${a}"] .pickup`), ann1.click(`#queue li[data-id="${a}"] .pickup`)]);
  await queueIs(tje0, [b, c]);
  await queueIs(ann1, [b, c]);
  const refused = (page) => page.locator('#open-error', { hasText: `Chat ${a} was picked up by someone else.` })
    .waitFor({ timeout: WITHIN_MS }).then(() => page);
  const loser = await Promise.any([refused(tje0), refused(ann1)]);
  const winner = loser === tje0 ? ann1 : tje0;
  const tje0Won = winner === tje0;
  await winner.locator(`#chats li[data-id="${a}"]`).waitFor({ timeout: WITHIN_MS });
  assert.equal(await loser.locator(`#chats li[data-id="${a}"]`).count(), 0, 'the loser has no chat with the visitor');
  assert.equal(await winner.isVisible('#open-error'), false, 'the winner was not refused');
  const [winnerName, loserName] = tje0Won ? ['Thomas J. Eriksen', 'Ann Lindqvist'] : ['Ann Lindqvist', 'Thomas J. Eriksen'];
  log(`@@winner ${tje0Won ? 'tje0' : 'ann1'}`);
  await astrid.locator('#agent', { hasText: `${winnerName} joined the chat.` }).waitFor({ timeout: WITHIN_MS });
  assert.equal(await winner.textContent('#customer'), 'Astrid');

  log('- the loser picks up the next (oldest) visitor, the winner chooses the last one: two chats open at once');
  await loser.click('#pickup-next');
  await loser.locator('#customer', { hasText: 'Bjørn' }).waitFor({ timeout: WITHIN_MS });
  await winner.click(`#queue li[data-id="${c}"] .pickup`);
  await winner.locator('#customer', { hasText: 'Cecilie' }).waitFor({ timeout: WITHIN_MS });
  await queueIs(winner, []);
  await queueIs(loser, []);
  assert.deepEqual(await chatsOf(winner), [a, c]);

  log('- a message in the chat not shown counts as unread; the customer typing shows in the chat shown');
  await send(astrid, 'Are you there?');
  await winner.locator(`#chats li[data-id="${a}"][data-unread="1"] .unread`, { hasText: '1' }).waitFor({ timeout: WITHIN_MS });
  await cecilie.fill('#text', 'Hello, I was');
  await typingShows(winner, 'The customer is typing…');
  await cecilie.fill('#text', '');
  await typingShows(winner, null);
  await exchange(cecilie, winner, 'Do you sell helmets?');
  await exchange(winner, cecilie, 'We do: in three sizes.');
  await winner.click(`#chats li[data-id="${a}"] button`);
  await winner.locator(`#chats li[data-id="${a}"][data-unread="0"]`).waitFor({ timeout: WITHIN_MS });
  await winner.locator('#messages .message', { hasText: 'Are you there?' }).waitFor({ timeout: WITHIN_MS });
  await exchange(winner, astrid, 'Yes! Let me find someone from the workshop.');
  await shot(winner, 'console.png');

  log('- the winner transfers the chat to the loser, who accepts it');
  await winner.selectOption('#transfer-to', { label: loserName });
  await winner.click('#transfer');
  await winner.locator('#action-notice', { hasText: `Waiting for ${loserName} to accept the transfer…` })
    .waitFor({ timeout: WITHIN_MS });
  await loser.locator(`#transfers li[data-id="${a}"]`, { hasText: `Astrid from ${winnerName}` }).waitFor({ timeout: WITHIN_MS });
  await shot(loser, 'console-transfer.png');
  await loser.click(`#transfers li[data-id="${a}"] .accept`);
  await loser.locator('#customer', { hasText: 'Astrid' }).waitFor({ timeout: WITHIN_MS });
  await astrid.locator('#agent', { hasText: `${loserName} joined the chat.` }).waitFor({ timeout: WITHIN_MS });
  await winner.locator('#end:disabled').waitFor({ timeout: WITHIN_MS });
  await loser.locator('#messages .message', { hasText: 'My bike has a flat tyre' }).waitFor({ timeout: WITHIN_MS });
  await exchange(loser, astrid, 'Workshop here: bring it by today.');

  log('- the loser ends the chat; the visitor sees it end and rates it');
  await loser.click('#end');
  await loser.locator('#session-status', { hasText: 'Closed' }).waitFor({ timeout: WITHIN_MS });
  await astrid.locator('#notice[data-kind="ended"]').waitFor({ timeout: WITHIN_MS });
  await astrid.locator('#messages .message.special', { hasText: `${loserName} ended the chat` }).waitFor({ timeout: WITHIN_MS });
  assert.equal(await astrid.isHidden('#compose'), true);
  await astrid.locator('#rating', { hasText: 'How was your chat?' }).waitFor({ timeout: WITHIN_MS });
  await astrid.check('#rating input[value="4"]');
  await astrid.fill('#rating-comment', 'Quick help, thanks');
  await shot(astrid, 'customer-rating.png');
  await astrid.click('#rating button');
  await astrid.locator('#rated').waitFor({ timeout: 5000 });

  log('- the transcript downloads as text');
  const [download] = await Promise.all([loser.waitForEvent('download'), loser.click('#transcript')]);
  assert.equal(download.suggestedFilename(), `chat-${a}-transcript.txt`);
  const transcript = await readFile(await download.path(), 'utf8');
  for (const text of ['My bike has a flat tyre', 'Are you there?', 'Workshop here: bring it by today.']) {
    assert.ok(transcript.includes(text), `the transcript has "${text}":\n${transcript}`);
  }

  log('- over HTTP/1.1 at most four chats stream: with six more open the ones shown least lately pause, a reply still goes out, and a paused chat catches up when shown');
  const many = [];
  for (let i = 1; i <= 6; i += 1) many.push(await visitor(`Many ${i}`));
  for (const [i, started] of many.entries()) {
    await tje0.fill('#session', String(started.ChatSessionId));
    await tje0.click('#open button');
    await tje0.locator('#customer', { hasText: `Many ${i + 1}` }).waitFor({ timeout: 5000 });
  }
  const paused = await tje0.locator('#chats li', { hasText: 'paused' }).count();
  const streaming = (await chatsOf(tje0)).length - paused;
  assert.ok(paused >= 2 && streaming <= 4, `${streaming} chats stream, ${paused} paused`);
  await send(tje0, 'Still reaching you'); // over the one connection left free
  const first = many[0];
  const quiet = await fetch(`${BASE_URL}/api/v1/ChatSession/${first.ChatSessionId}/Messages`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${first.Token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ Message: 'Said while paused', Type: 'ToUser', Author: 'Many 1' }),
  });
  assert.ok(quiet.ok, `the visitor's message: ${quiet.status}`);
  await tje0.locator('#chats li', { hasText: 'Many 1 · paused' }).waitFor({ timeout: WITHIN_MS });
  await tje0.click('#chats li button:has-text("Many 1")');
  await tje0.locator('#messages .message', { hasText: 'Said while paused' }).waitFor({ timeout: 5000 });
  await tje0.locator('#status[data-state="live"]').waitFor({ timeout: 5000 });
  assert.equal(await tje0.locator('#chats li', { hasText: 'Many 1 · paused' }).count(), 0, 'shown, it streams again');

  log('- both agents go away: a new visitor gets the offline text and leaves a message that never queues');
  await tje0.click('#presence');
  await tje0.locator('#presence[data-present="false"]').waitFor({ timeout: WITHIN_MS });
  await ann1.click('#presence');
  await ann1.locator('#presence[data-present="false"]').waitFor({ timeout: WITHIN_MS });
  const dora = await newPage('/widget/');
  await dora.locator('#offline', { hasText: 'We are closed. Leave a message and we will write back.' }).waitFor({ timeout: 5000 });
  assert.equal(await dora.isHidden('#start'), true, 'no chat while nobody is present');
  await dora.fill('#offline-name', 'Dora');
  await dora.fill('#offline-email', 'dora@example.com');
  await dora.fill('#offline-text', 'Please call me about a bike');
  await shot(dora, 'customer-offline.png');
  await dora.click('#offline-form button');
  await dora.locator('#offline-sent').waitFor({ timeout: 5000 });
  log('@@offline Dora');

  assert.deepEqual(pageErrors, []);
  log('@@passed');
} catch (error) {
  log(`the pages' network when it failed:\n${explain()}`);
  throw error;
} finally {
  await browser.close();
}
