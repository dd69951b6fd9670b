// @ts-check
// What the scripts read of chat-api's answers, typed for `npm run check` (k6 itself ignores the comments).

/** @typedef {{ ChatMessageId: number, Message: string }} ChatMessage */

/**
 * The messages of a `GET …/Messages` answer (a JSON array, oldest first); empty when the body is not one.
 * @param {import('k6/http').Response} res
 * @returns {ChatMessage[]}
 */
export function messagesOf(res) {
  const body = res.json();
  return Array.isArray(body) ? /** @type {ChatMessage[]} */ (/** @type {unknown} */ (body)) : [];
}
