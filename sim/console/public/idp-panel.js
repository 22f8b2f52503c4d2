// The identity-provider panel: what /console/idp reports, as HTML. Pure functions (no DOM): the tests import them.
import { escapeHtml } from './render.js';

const PROVIDER_NAMES = { DUO: 'Duo', OKTA: 'Okta', AZURE_AD: 'Entra ID' };
const BLOCKED_STATES = new Set(['disabled', 'SUSPENDED', 'DEPROVISIONED']);

function providerName(provider) {
  return escapeHtml(PROVIDER_NAMES[provider] ?? provider);
}

function clock(at) {
  const date = new Date(Number(at));
  return Number.isNaN(date.getTime())
    ? ''
    : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
}

function stateBadge(s) {
  const kind = BLOCKED_STATES.has(s.state) ? 'blocked' : 'active';
  return (
    `<span class="idp-state idp-state-${kind}" title="${escapeHtml(s.accountId)}">` +
    `${providerName(s.provider)}: <b>${escapeHtml(s.state)}</b></span>`
  );
}

function renderAccounts(accounts) {
  if (accounts.length === 0) return '';
  const rows = accounts
    .map(
      (a) =>
        `<li class="idp-account" data-login="${escapeHtml(a.login)}"><div class="idp-who">${escapeHtml(a.displayName)} <small>${escapeHtml(a.login)}</small></div>` +
        `<div class="idp-states">${a.states.map(stateBadge).join('')}</div></li>`,
    )
    .join('');
  return `<ul class="idp-accounts">${rows}</ul>`;
}

function renderRequest(r) {
  const ok = Number(r.status) >= 200 && Number(r.status) < 300;
  const change = r.change ? `<span class="idp-change">${escapeHtml(r.change)}</span>` : '';
  const about = r.login ? ` title="${escapeHtml(r.login)}"` : '';
  return (
    `<li class="idp-request" data-provider="${escapeHtml(r.provider)}" data-method="${escapeHtml(r.method)}" data-status="${escapeHtml(r.status)}"${about}>` +
    `<div class="idp-line"><span class="idp-provider">${providerName(r.provider)}</span><span class="idp-method">${escapeHtml(r.method)}</span>${change}` +
    `<span class="idp-status idp-status-${ok ? 'ok' : 'error'}">${escapeHtml(r.status)}</span><span class="idp-time">${escapeHtml(clock(r.at))}</span></div>` +
    `<div class="idp-path">${escapeHtml(r.path)}</div></li>`
  );
}

/** The panel's content: the accounts the app acted on with their state now, then the calls, newest first. */
export function renderIdpActivity(activity) {
  const requests = Array.isArray(activity?.requests) ? activity.requests : [];
  const accounts = Array.isArray(activity?.accounts) ? activity.accounts : [];
  if (requests.length === 0) {
    return '<div class="idp-empty">No calls yet: Block or Unblock on an alert card calls Duo, Okta and Entra ID here.</div>';
  }
  const more =
    activity.total > requests.length
      ? `<div class="idp-more">${escapeHtml(activity.total - requests.length)} older calls not shown</div>`
      : '';
  return `${renderAccounts(accounts)}<ol class="idp-requests">${requests.map(renderRequest).join('')}</ol>${more}`;
}
