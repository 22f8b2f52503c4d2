// The demo console page: renders /console/state, re-renders on /console/events, sends what the user does.
import { renderIdpActivity } from './idp-panel.js';
import { renderPhone } from './phone-panel.js';
import { escapeHtml, renderBlocks, renderConfirm, renderMessageBody, renderModal } from './render.js';

/** The sidebar entry of the app's Home tab, shown in place of a channel. */
const HOME = 'home';

const ui = {
  viewer: undefined,
  channel: undefined,
  thread: undefined,
  /** The DM with the app is open: it follows the viewer when the page acts as someone else. */
  inDm: false,
  phoneHtml: undefined,
  snapshot: undefined,
  /** What the dialog shows: 'confirm' (a button's confirm object) or the id of the open modal. */
  dialog: undefined,
  pendingConfirm: undefined,
};

const $ = (id) => document.getElementById(id);

async function post(path, body) {
  try {
    const res = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await res.json().catch(() => ({}));
    return { httpStatus: res.status, ...json };
  } catch (err) {
    return { ok: false, error: String(err) };
  }
}

let toastTimer;
function toast(message, kind = 'info') {
  const el = $('toast');
  el.textContent = message;
  el.className = `toast toast-${kind}`;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.hidden = true), 5000);
}

function failure(answer) {
  if (answer.error) return answer.error;
  return `the app answered HTTP ${answer.status}${answer.body ? `: ${answer.body}` : ''}`;
}

function lookup() {
  const { names } = ui.snapshot;
  return { user: (id) => names.users[id], channel: (id) => names.channels[id] };
}

function time(ts) {
  const seconds = Number(String(ts).split('.')[0]);
  return new Date(seconds * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function initials(name) {
  return (
    name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((w) => w[0].toUpperCase())
      .join('') || '?'
  );
}

function renderMessage(item, inThread) {
  const ctx = { lookup: lookup() };
  const replies =
    !inThread && item.replies.length > 0
      ? `<button type="button" class="replies" data-thread="${escapeHtml(item.ts)}">${item.replies.length} ${item.replies.length === 1 ? 'reply' : 'replies'}</button>`
      : '';
  return (
    `<div class="message${item.ephemeral ? ' ephemeral' : ''}" data-ref="${escapeHtml(item.ref)}">` +
    `<div class="avatar${item.isBot ? ' avatar-app' : ''}">${escapeHtml(initials(item.userName))}</div>` +
    '<div class="message-main"><div class="message-meta">' +
    `<span class="author">${escapeHtml(item.userName)}</span>${item.isBot ? '<span class="app-badge">APP</span>' : ''}` +
    `<span class="time">${escapeHtml(time(item.ts))}</span>${item.edited ? '<span class="edited">(edited)</span>' : ''}</div>` +
    (item.ephemeral ? '<div class="ephemeral-note">👁 Only visible to you</div>' : '') +
    `<div class="message-body">${renderMessageBody(item, ctx)}</div>${replies}</div></div>`
  );
}

function channelEntry(id, label, count) {
  const current = id === ui.channel ? ' class="current" aria-current="page"' : '';
  return `<li${current}><button type="button" data-channel="${escapeHtml(id)}">${escapeHtml(label)}<span class="count">${count || ''}</span></button></li>`;
}

function renderSidebar() {
  const { channels, actors, dm, phone } = ui.snapshot;
  const count = (id) => (ui.snapshot.messages[id] ?? []).length;
  $('channels').innerHTML = channels.map((c) => channelEntry(c.id, `# ${c.name}`, count(c.id))).join('');
  $('dms').innerHTML = channelEntry(dm.id, `💬 ${dm.name} (app)`, count(dm.id));
  const home = ui.channel === HOME ? ' class="current" aria-current="page"' : '';
  $('apps').innerHTML =
    `<li${home}><button type="button" data-home="true">🏠 ${escapeHtml(ui.snapshot.appName)} <small>Home</small></button></li>`;
  $('acting').innerHTML = [
    ['Responder', actors.responder],
    ['Non-responder', actors.nonResponder],
    ...(actors.affected ? [['Affected user: gets the DMs', actors.affected]] : []),
  ]
    .map(
      ([role, user]) =>
        `<label class="acting-option${user.id === ui.viewer ? ' current' : ''}"><input type="radio" name="acting" value="${escapeHtml(user.id)}"${user.id === ui.viewer ? ' checked' : ''}>` +
        `<span class="avatar small">${escapeHtml(initials(user.name))}</span><span><b>${escapeHtml(user.name)}</b><br><small>${role}</small></span></label>`,
    )
    .join('');
  const viewer = [actors.responder, actors.nonResponder, actors.affected].find((a) => a?.id === ui.viewer);
  // Only when it changed: every poll of the app re-renders the page, which must not swallow a tap on the phone.
  const phoneHtml = renderPhone(phone, viewer?.name ?? ui.viewer);
  if (phoneHtml !== ui.phoneHtml) $('phone').innerHTML = ui.phoneHtml = phoneHtml;
}

function isNearBottom(el) {
  return el.scrollHeight - el.scrollTop - el.clientHeight < 80;
}

/** The app's Home tab as the viewer last had it published; opening it asks the app again. */
function renderHome() {
  $('channel-name').textContent = `🏠 ${ui.snapshot.appName} — Home`;
  const home = ui.snapshot.home;
  $('messages').innerHTML =
    home === null
      ? '<div class="empty">Opening the Home tab…</div>'
      : `<div class="home">${renderBlocks(home.blocks, { lookup: lookup() })}</div>`;
}

function renderChannel(channelChanged) {
  $('composer').hidden = ui.channel === HOME;
  $('composer-hint').hidden = ui.channel === HOME;
  if (ui.channel === HOME) return renderHome();
  const { dm } = ui.snapshot;
  const channel = ui.snapshot.channels.find((c) => c.id === ui.channel);
  const title = ui.channel === dm.id ? `💬 ${dm.name} (app)` : `# ${channel?.name ?? ui.channel}`;
  $('channel-name').textContent = title;
  $('composer-input').placeholder = `Message ${title} — /cii help`;
  const list = $('messages');
  const stick = channelChanged || isNearBottom(list);
  const items = ui.snapshot.messages[ui.channel] ?? [];
  list.innerHTML =
    items.length === 0
      ? '<div class="empty">No messages yet. Send <code>/cii help</code>, or fire a detection from the CII panel.</div>'
      : items.map((item) => renderMessage(item, false)).join('');
  if (stick) list.scrollTop = list.scrollHeight;
}

function renderThread() {
  const parent = (ui.snapshot.messages[ui.channel] ?? []).find((m) => m.ts === ui.thread);
  $('thread-pane').hidden = parent === undefined;
  $('cii-pane').hidden = parent !== undefined;
  if (parent === undefined) {
    ui.thread = undefined;
    return;
  }
  $('thread').innerHTML =
    renderMessage(parent, true) +
    `<div class="thread-divider">${parent.replies.length} ${parent.replies.length === 1 ? 'reply' : 'replies'}</div>` +
    parent.replies.map((r) => renderMessage(r, true)).join('');
}

function showDialog(html, kind) {
  $('dialog').innerHTML = html;
  $('dialog').className = `dialog dialog-${kind === 'confirm' ? 'confirm' : 'modal'}`;
  $('overlay').hidden = false;
  ui.dialog = kind;
}

function hideDialog() {
  $('overlay').hidden = true;
  $('dialog').innerHTML = '';
  ui.dialog = undefined;
  ui.pendingConfirm = undefined;
}

function renderModalState() {
  const modal = ui.snapshot.modal;
  if (ui.dialog === 'confirm') return;
  if (modal === null) {
    if (ui.dialog !== undefined) hideDialog();
    return;
  }
  // Re-render only a new or updated view: typing in an open modal must survive live updates.
  const key = `${modal.viewId}:${modal.view.hash ?? JSON.stringify(modal.view.blocks)}`;
  if (ui.dialog === key) return;
  showDialog(renderModal(modal.view, { lookup: lookup() }), 'modal');
  ui.dialog = key;
}

function render(channelChanged = false) {
  renderSidebar();
  renderChannel(channelChanged);
  renderThread();
  renderModalState();
}

async function refresh(channelChanged = false) {
  const res = await fetch(`/console/state?user=${encodeURIComponent(ui.viewer ?? '')}`);
  ui.snapshot = await res.json();
  ui.viewer = ui.snapshot.viewer;
  // Switching who the page acts as keeps the DM open: it becomes the new viewer's DM with the app.
  if (ui.inDm) ui.channel = ui.snapshot.dm.id;
  else if (ui.channel !== HOME && !ui.snapshot.channels.some((c) => c.id === ui.channel))
    ui.channel = ui.snapshot.channels[0]?.id;
  render(channelChanged);
}

let refreshTimer;
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    refresh().catch((err) => toast(`Could not load the state: ${err}`, 'error'));
    refreshCii().catch(() => {});
    refreshIdp().catch(() => {});
  }, 40);
}

async function sendClick(button, option) {
  // As Slack does, a button shows it is working until the app has answered: a second click meanwhile does nothing.
  if (button.getAttribute('aria-busy') === 'true') return;
  button.setAttribute('aria-busy', 'true');
  const message = button.closest('.message');
  const answer = await post('/console/click', {
    channelId: ui.channel,
    userId: ui.viewer,
    messageRef: message.dataset.ref,
    actionId: button.dataset.actionId,
    ...(option === undefined ? {} : { option }),
  });
  button.removeAttribute('aria-busy');
  if (!answer.ok) toast(`Click not delivered: ${failure(answer)}`, 'error');
}

function onMessageButton(button, event) {
  if (button.dataset.confirm === undefined) {
    sendClick(button);
    return;
  }
  // As in Slack, the confirm dialog comes first; a link opens only once confirmed.
  event.preventDefault();
  ui.pendingConfirm = button;
  showDialog(renderConfirm(JSON.parse(button.dataset.confirm), { lookup: lookup() }), 'confirm');
}

function onConfirmAnswer(answer) {
  const button = ui.pendingConfirm;
  hideDialog();
  if (answer === 'confirm' && button !== undefined) {
    if (button.tagName === 'A') window.open(button.href, '_blank', 'noopener');
    sendClick(button);
  }
  renderModalState();
}

function modalValues() {
  const values = {};
  for (const el of $('dialog').querySelectorAll('[data-type]')) {
    const { blockId, actionId, type } = el.dataset;
    const option = (input) => ({
      value: input.value,
      text: { type: 'plain_text', text: input.closest('label')?.textContent.trim() ?? input.value },
    });
    let state;
    if (type === 'plain_text_input') state = { type, value: el.value === '' ? null : el.value };
    else if (type === 'static_select') {
      const selected = el.selectedOptions[0];
      state = {
        type,
        selected_option:
          selected && selected.value !== ''
            ? { value: selected.value, text: { type: 'plain_text', text: selected.textContent } }
            : null,
      };
    } else if (type === 'radio_buttons') {
      const checked = el.querySelector('input:checked');
      state = { type, selected_option: checked ? option(checked) : null };
    } else if (type === 'checkboxes' || type === 'multi_static_select')
      state = { type, selected_options: [...el.querySelectorAll('input:checked')].map(option) };
    else continue;
    values[blockId] = { ...values[blockId], [actionId]: state };
  }
  return values;
}

async function onModalButton(which) {
  const modal = ui.snapshot.modal;
  if (modal === null) return;
  if (which === 'close') {
    await post('/console/view-close', { userId: ui.viewer, viewId: modal.viewId });
    return;
  }
  for (const el of $('dialog').querySelectorAll('.input-error')) el.textContent = '';
  const answer = await post('/console/view-submit', { userId: ui.viewer, viewId: modal.viewId, values: modalValues() });
  if (!answer.ok) toast(`Submission failed: ${failure(answer)}`, 'error');
  for (const [blockId, message] of Object.entries(answer.errors ?? {})) {
    const slot = [...$('dialog').querySelectorAll('.input-error')].find((e) => e.dataset.errorFor === blockId);
    if (slot) slot.textContent = String(message);
  }
}

async function onPushAnswer(button) {
  if (button.getAttribute('aria-busy') === 'true') return;
  button.setAttribute('aria-busy', 'true');
  const answer = await post('/console/push', {
    userId: ui.viewer,
    txid: button.dataset.push,
    answer: button.dataset.answer,
  });
  button.removeAttribute('aria-busy');
  if (!answer.ok) toast(`The Duo Push was not answered: ${failure(answer)}`, 'error');
}

async function onCommand(event) {
  event.preventDefault();
  const input = $('composer-input');
  const text = input.value.trim();
  if (text === '') return;
  if (!text.startsWith('/cii')) {
    toast('The console sends slash commands to the app: start with /cii', 'error');
    return;
  }
  input.value = '';
  const answer = await post('/console/command', { channelId: ui.channel, userId: ui.viewer, text });
  if (!answer.ok) toast(`/cii failed: ${failure(answer)}`, 'error');
}

async function refreshCii() {
  const res = await fetch('/console/cii');
  const cii = await res.json();
  const hooks = cii.webhooks;
  $('webhooks').innerHTML =
    hooks.length === 0
      ? 'No webhook registered with CII yet.'
      : `Registered with CII: ${hooks.map((h) => `<span title="${escapeHtml(h.endpoint)}">${escapeHtml(h.name)} (${h.checkIds.length} checks)</span>`).join(', ')}`;
  return cii;
}

async function refreshIdp() {
  const res = await fetch('/console/idp');
  const activity = await res.json();
  $('idp-panel').hidden = !activity.available;
  if (activity.available) $('idp-activity').innerHTML = renderIdpActivity(activity);
}

async function setUpCiiPanel() {
  const cii = await refreshCii();
  $('check').innerHTML = cii.checks
    .map((c) => `<option value="${escapeHtml(c.id)}">${escapeHtml(c.title)} (${escapeHtml(c.severity)})</option>`)
    .join('');
  $('severity').innerHTML =
    '<option value="">the check\'s own</option>' +
    cii.severities.map((s) => `<option value="${escapeHtml(s)}">${escapeHtml(s)}</option>`).join('');
  $('logins').innerHTML = cii.users
    .map(
      (u, i) =>
        `<label class="user-option" data-search="${escapeHtml(`${u.displayName} ${u.login} ${u.department ?? ''}`.toLowerCase())}">` +
        `<input type="checkbox" name="login" value="${escapeHtml(u.login)}"${i === 0 ? ' checked' : ''}>` +
        `<span><b>${escapeHtml(u.displayName)}</b> <small>${escapeHtml(u.login)}</small></span></label>`,
    )
    .join('');
  showPickedCount();
}

const pickedLogins = () => [...$('logins').querySelectorAll('input:checked')].map((input) => input.value);

function showPickedCount() {
  const count = pickedLogins().length;
  $('fire').textContent = count < 2 ? 'Fire detection' : `Fire detection (${count} users)`;
}

function onUserFilter() {
  const words = $('logins-filter').value.trim().toLowerCase();
  for (const option of $('logins').querySelectorAll('.user-option'))
    option.hidden = words !== '' && !option.dataset.search.includes(words);
}

async function onWebhookTest() {
  const result = $('webhook-test-result');
  result.textContent = 'Sending…';
  const answer = await post('/console/webhook-test', {});
  if (answer.error) result.textContent = answer.error;
  else if (answer.deliveries.length === 0) result.textContent = 'No webhook is registered: nothing was sent.';
  else
    result.textContent = `Sent a WebhookTest event to ${answer.deliveries.length} webhook(s): ${answer.deliveries.map((d) => (d.status === 0 ? `failed (${d.body})` : `HTTP ${d.status}`)).join(', ')}`;
}

async function onDetection(event) {
  event.preventDefault();
  const logins = pickedLogins();
  const result = $('detection-result');
  if (logins.length === 0) {
    result.textContent = 'Pick at least one user.';
    return;
  }
  const severity = $('severity').value;
  const answer = await post('/console/detection', {
    checkId: $('check').value,
    logins,
    ...(severity === '' ? {} : { severity }),
    ...($('single').checked ? { shape: 'single' } : {}),
  });
  if (answer.error) result.textContent = answer.error;
  else if (answer.deliveries.length === 0)
    result.textContent = 'No webhook is registered for this check: nothing was delivered.';
  else
    result.textContent = `Delivered ${answer.deliveries.length} webhook(s): ${answer.deliveries.map((d) => (d.status === 0 ? `failed (${d.body})` : `HTTP ${d.status}`)).join(', ')}`;
}

document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (target === null) return;
  const confirmAnswer = target.closest('[data-confirm-answer]');
  if (confirmAnswer) return onConfirmAnswer(confirmAnswer.dataset.confirmAnswer);
  const modalButton = target.closest('[data-modal]');
  if (modalButton) return onModalButton(modalButton.dataset.modal);
  const actionButton = target.closest('.message [data-action-id]');
  if (actionButton) return onMessageButton(actionButton, event);
  const push = target.closest('[data-push]');
  if (push) return onPushAnswer(push);
  if (target.closest('[data-home]')) {
    ui.channel = HOME;
    ui.inDm = false;
    ui.thread = undefined;
    render(true);
    return openHome();
  }
  const channel = target.closest('[data-channel]');
  if (channel) {
    ui.channel = channel.dataset.channel;
    ui.inDm = ui.channel === ui.snapshot.dm.id;
    ui.thread = undefined;
    return render(true);
  }
  const thread = target.closest('[data-thread]');
  if (thread) {
    ui.thread = thread.dataset.thread;
    return renderThread();
  }
  if (target.closest('#thread-close')) {
    ui.thread = undefined;
    renderThread();
  }
});

/** Slack sends app_home_opened each time the user opens the tab; the app publishes it again. */
async function openHome() {
  const answer = await post('/console/home', { userId: ui.viewer });
  if (!answer.ok) toast(`Home not opened: ${failure(answer)}`, 'error');
}

/** A change in a modal input with dispatch_action goes to the app at once, with the whole modal's state. */
async function onModalDispatch(el) {
  const modal = ui.snapshot.modal;
  if (modal === null) return;
  const answer = await post('/console/view-action', {
    userId: ui.viewer,
    viewId: modal.viewId,
    actionId: el.dataset.actionId,
    values: modalValues(),
  });
  if (!answer.ok) toast(`Change not delivered: ${failure(answer)}`, 'error');
}

document.addEventListener('change', (event) => {
  const dispatching = event.target instanceof Element ? event.target.closest('#dialog [data-dispatch]') : null;
  if (dispatching) return onModalDispatch(dispatching);
  const menu = event.target instanceof HTMLSelectElement ? event.target.closest('.message select.menu') : null;
  if (menu && menu.value !== '') {
    const option = menu.value;
    menu.value = '';
    sendClick(menu, option);
    return;
  }
  if (event.target instanceof HTMLInputElement && event.target.name === 'acting') {
    ui.viewer = event.target.value;
    hideDialog();
    refresh(true);
    if (ui.channel === HOME) openHome();
  }
});

document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || ui.dialog === undefined) return;
  if (ui.dialog === 'confirm') onConfirmAnswer('deny');
  else onModalButton('close');
});

$('composer').addEventListener('submit', onCommand);
$('detection').addEventListener('submit', onDetection);
$('logins').addEventListener('change', showPickedCount);
$('logins-filter').addEventListener('input', onUserFilter);
$('webhook-test').addEventListener('click', onWebhookTest);
new EventSource('/console/events').addEventListener('change', scheduleRefresh);
setUpCiiPanel().catch((err) => toast(`Could not load the CII catalogue: ${err}`, 'error'));
refresh(true).catch((err) => toast(`Could not load the state: ${err}`, 'error'));
refreshIdp().catch((err) => toast(`Could not load the identity-provider calls: ${err}`, 'error'));
