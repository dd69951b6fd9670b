// SuperOffice's official TypeScript client (@superoffice/webapi, its ChatAgent), unchanged, against a
// running chat-api with the demo data. Run by chatapi.agents.OfficialClientTest. Environment: BASE_URL.
// Prints "@@session <id>" for the session it creates (deleted again at the end) and "@@passed" at the end.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

// The package's ESM build imports its modules without file extensions, which Node.js refuses; its
// CommonJS build (the package's "require" export) is what Node.js applications use.
const { WebApi } = createRequire(import.meta.url)('@superoffice/webapi');

const BASE_URL = process.env.BASE_URL;
assert.ok(BASE_URL, 'BASE_URL is not set');

function log(line) {
  console.log(line);
}

const webapi = new WebApi(BASE_URL);
webapi.authenticateWithPassword('tje0', 'Tje0');
const chat = webapi.getChatAgent();

log('- GetChatSessionEntity: session 1 with its nested objects and dates, through the client\'s converters');
const session = await chat.getChatSessionEntityAsync(1);
assert.equal(session.chatSessionId, 1);
assert.equal(session.customerName, 'Kari Marie Nordmann');
assert.equal(session.status, 'CustomerLast');
assert.ok(session.whenRequested instanceof Date, 'WhenRequested became a Date');
assert.equal(session.whenRequested.toISOString(), '2026-03-10T07:00:00.123Z');
assert.equal(session.user.associateId, 1);
assert.equal(session.user.fullName, 'Thomas J. Eriksen');
assert.equal(session.user.tableRight.mask, 15); // "FULL", parsed into the client's ETableRight flags
assert.equal(session.person.contactName, 'Nordlys Sykkel AS');
assert.equal(session.contact.name, 'Nordlys Sykkel AS');
assert.equal(session.transferTo.name, 'ann1');
assert.equal(session.project.name, 'Spring fleet renewal');
assert.equal(session.project.updated.toISOString(), '2026-03-02T08:30:00.000Z'); // +01:00 in the data

log('- GetChatMessages with After');
const after1 = await chat.getChatMessagesAsync(1, 1);
assert.deepEqual(after1.map((m) => m.chatMessageId), [2, 3]);
assert.deepEqual(after1.map((m) => m.type), ['ToCustomer', 'ToUser']);
assert.ok(after1.every((m) => m.whenPosted instanceof Date && m.chatSessionId === 1));
assert.equal(after1[1].whenPosted.toISOString(), '2026-03-10T07:12:00.000Z');
const all = await chat.getChatMessagesAsync(1, 0);
assert.deepEqual(all.map((m) => m.chatMessageId), [1, 2, 3]);

log('- AddChatMessage: seen by the next read and by a REST long-poll parked before it');
const basic = `Basic ${Buffer.from('tje0:Tje0').toString('base64')}`;
const parked = fetch(`${BASE_URL}/api/v1/ChatSession/1/Messages?after=3&wait=30`,
  { headers: { Authorization: basic, Accept: 'application/json' } });
await untilParked(1);
const added = await chat.addChatMessageAsync(1, { message: 'Sent through the official client', type: 'ToCustomer', author: 'tje0' });
assert.ok(added.chatMessageId > 3, `new id ${added.chatMessageId}`);
assert.equal(added.message, 'Sent through the official client');
assert.ok(added.whenPosted instanceof Date && Math.abs(Date.now() - added.whenPosted.getTime()) < 60_000);
const polled = await (await parked).json();
assert.deepEqual(polled.map((m) => [m.ChatMessageId, m.Message]), [[added.chatMessageId, 'Sent through the official client']]);
const next = await chat.getChatMessagesAsync({ chatSessionId: 1, after: 3 });
assert.deepEqual(next.map((m) => m.chatMessageId), [added.chatMessageId]);

log('- CreateDefault, Save (insert), read back, Save (update), Delete');
const blank = await chat.createDefaultChatSessionEntityAsync();
assert.equal(blank.chatSessionId, 0);
assert.equal(blank.customerName, '');
assert.equal(blank.user, null);
blank.topicId = 1;
blank.customerName = 'Official Client';
blank.customerEmail = 'client@example.com';
const created = await chat.saveChatSessionEntityAsync(blank);
assert.ok(created.chatSessionId > 2, `new session ${created.chatSessionId}`);
log(`@@session ${created.chatSessionId}`);
assert.equal(created.status, 'InQueue');
assert.ok(created.whenRequested instanceof Date);
const readBack = await chat.getChatSessionEntityAsync(created.chatSessionId);
assert.equal(readBack.customerName, 'Official Client');
assert.equal(readBack.customerEmail, 'client@example.com');
readBack.customerPhone = '+47 400 00 000';
readBack.user = session.user; // assign it to tje0, a nested object sent back as the client holds it
const updated = await chat.saveChatSessionEntityAsync(readBack);
assert.equal(updated.chatSessionId, created.chatSessionId);
assert.equal(updated.customerPhone, '+47 400 00 000');
assert.equal(updated.user.associateId, 1);
const mine = await chat.chatSessionsForUserAsync();
assert.ok(mine.some((s) => s.chatSessionId === created.chatSessionId), 'ChatSessionsForUser lists it');
await chat.deleteChatSessionEntityAsync(created.chatSessionId);
log('- an absent id gives null');
assert.equal(await chat.getChatSessionEntityAsync(created.chatSessionId), null);
assert.deepEqual(await chat.getChatMessagesAsync(created.chatSessionId, 0), []);

log('- ChatTopic: CreateDefault, Save (insert), Get, Save (update), roles, ChatTopicsForUser, IsWithinOpeningHours, Delete');
const topicDefaults = await chat.createDefaultChatTopicEntityAsync();
assert.equal(topicDefaults.chatTopicId, 0);
assert.equal(topicDefaults.name, '');
topicDefaults.name = 'Official client topic';
topicDefaults.welcomeMessage = 'Welcome, from the official client';
topicDefaults.widgetEnableRating = true;
const topic = await chat.saveChatTopicEntityAsync(topicDefaults);
assert.ok(topic.chatTopicId > 2, `new topic ${topic.chatTopicId}`);
log(`@@topic ${topic.chatTopicId}`);
const topicBack = await chat.getChatTopicEntityAsync(topic.chatTopicId);
assert.equal(topicBack.welcomeMessage, 'Welcome, from the official client');
assert.equal(topicBack.widgetEnableRating, true);
topicBack.description = 'Changed through the client';
assert.equal((await chat.saveChatTopicEntityAsync(topicBack)).description, 'Changed through the client');
const role = await chat.addChatTopicUserAgentAsync(topic.chatTopicId, { topicId: topic.chatTopicId,
  user: { associateId: 2 }, canListen: false, canRespond: true, canManage: false, canNotify: true });
assert.equal(role.user.associateId, 2);
assert.equal(role.user.fullName, 'Ann Lindqvist');
assert.equal(role.canRespond, true);
const roleAgain = await chat.getChatTopicUserAgentAsync(topic.chatTopicId, 'ann1');
assert.equal(roleAgain.canNotify, true);
const changedRole = await chat.updateChatTopicUserAgentAsync(topic.chatTopicId, 'ann1',
  { topicId: topic.chatTopicId, user: null, canListen: true, canRespond: true, canManage: false, canNotify: false });
assert.equal(changedRole.canListen, true);
assert.deepEqual((await chat.getChatTopicUserAgentListAsync(topic.chatTopicId)).map((r) => r.user.associateId), [2]);
const replaced = await chat.updateChatTopicUserAgentsAsync(topic.chatTopicId, [
  { topicId: topic.chatTopicId, user: { associateId: 1 }, canListen: true, canRespond: true, canManage: true, canNotify: true }]);
assert.deepEqual(replaced.map((r) => r.user.associateId), [1]);
assert.ok((await chat.chatTopicsForUserAsync()).some((t) => t.chatTopicId === topic.chatTopicId), 'ChatTopicsForUser lists it');
assert.equal(await chat.isWithinOpeningHoursAsync(topic.chatTopicId), true, 'tje0 responds and is present');
await chat.deleteChatTopicUserAgentAsync(topic.chatTopicId, 'tje0');
assert.equal(await chat.isWithinOpeningHoursAsync(topic.chatTopicId), false, 'no responder left');
const defaultRole = await chat.createDefaultChatTopicAgentAsync();
assert.equal(defaultRole.canRespond, false);
const users = await chat.getUserAgentListAsync(true, false);
assert.ok(users.some((u) => u.name === 'ann1'), 'GetUserAgentList lists ann1');

log('- Presence: GetChatPresence and SaveChatPresence');
await chat.saveChatPresenceAsync([{ userId: 1, present: false }]);
assert.equal((await chat.getChatPresenceAsync()).find((p) => p.userId === 1).present, false);
await chat.saveChatPresenceAsync([{ userId: 1, present: true }]);
const presence = (await chat.getChatPresenceAsync()).find((p) => p.userId === 1);
assert.equal(presence.present, true);
assert.equal(presence.displayName, 'Thomas J. Eriksen');
const forTopic = await chat.createChatSessionForTopicAsync(topic.chatTopicId);
assert.equal(forTopic.topicId, topic.chatTopicId);
assert.equal(forTopic.status, 'InQueue');
await chat.deleteChatSessionEntityAsync(forTopic.chatSessionId);
await chat.deleteChatTopicEntityAsync(topic.chatTopicId);
assert.equal(await chat.getChatTopicEntityAsync(topic.chatTopicId), null);
log('@@passed');

/** Until the server reports at least `count` parked requests (its readiness body says how many). */
async function untilParked(count) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const ready = await (await fetch(`${BASE_URL}/health/ready`)).json();
    if (ready.parked >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no request parked within 10 s`);
}
