// The viewer's phone in the sidebar: Duo Pushes waiting for them, to approve or deny as in Duo Mobile.
// Pure functions (no DOM): the tests import them.
import { escapeHtml } from './render.js';

/** What a push asks, in words: what the app said it is for, else a plain login request; then its other details. */
function pushText(info) {
  const action = typeof info?.action === 'string' && info.action !== '' ? info.action : undefined;
  const ask = action ? `Approve: ${escapeHtml(action)}?` : 'Is it you signing in? (the app asks you to prove it)';
  const details = Object.entries(info ?? {})
    .filter(([key, value]) => key !== 'action' && typeof value === 'string' && value !== '')
    .map(([key, value]) => `<div class="push-detail">${escapeHtml(key)}: ${escapeHtml(value)}</div>`);
  return ask + details.join('');
}

function renderPush(push) {
  const txid = escapeHtml(push.txid);
  return (
    `<li class="push" data-txid="${txid}"><div class="push-app">Duo Push · CII for Slack</div>` +
    `<div class="push-text">${pushText(push.info)}</div><div class="push-buttons">` +
    `<button type="button" class="btn btn-approve" data-push="${txid}" data-answer="allow">✓ Approve</button>` +
    `<button type="button" class="btn btn-deny" data-push="${txid}" data-answer="deny">✕ Deny</button></div></li>`
  );
}

/** `phone`: {username?, pushes: [{txid, info}]}; `name`: whose phone it is. */
export function renderPhone(phone, name) {
  const title = `<header class="phone-title">📱 ${escapeHtml(name)}’s phone</header>`;
  if (!phone?.username) return `${title}<div class="phone-empty">No Duo account</div>`;
  const pushes = Array.isArray(phone.pushes) ? phone.pushes : [];
  const body =
    pushes.length === 0
      ? `<div class="phone-empty">Duo Mobile (${escapeHtml(phone.username)}): no push waiting</div>`
      : `<ul class="pushes">${pushes.map(renderPush).join('')}</ul>`;
  return title + body;
}
