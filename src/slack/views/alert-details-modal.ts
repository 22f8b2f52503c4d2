import type { KnownBlock, ModalView } from '@slack/types';
import type { AlertView } from './alert-card.ts';
import { checkContextLine } from './alert-card.ts';
import {
  blockTargets,
  outsideUsualPlaces,
  privilegedGroupsOf,
  type EvidenceInput,
  type UserContextView,
} from './alert-evidence.ts';
import { detailKey, detailValue, explain, publishedText } from './alert-text.ts';
import {
  formatLocation,
  formatRelative,
  formatWhen,
  humanize,
  parseDate,
  severityBadge,
  statusMarker,
  trustBadge,
  yesNoUnknown,
} from './format.ts';
import type { Device, EndUserState, GeoLocation, ProviderAccount, SignInInfo } from './identity.ts';
import { chunkLines, clean, code, LIMITS, mrkdwn, plainText } from './limits.ts';

export interface AlertDetailsInput extends Pick<EvidenceInput, 'blockProviders' | 'privilegedGroups' | 'now'> {
  alert: AlertView;
  /** What CII told about the user when the card was composed; absent when it did not answer. */
  userContext?: UserContextView;
}

/** Every list in the modal stops here ("+N more"): a modal holds 100 blocks. */
const MAX_ITEMS = 40;
const MAX_VALUE = 500;

/** "🇺🇸 San Jose, California, US". */
function place(location: GeoLocation | null | undefined): string | undefined {
  const text = formatLocation(location, { flag: true });
  return text ? clean(text, 120) : undefined;
}

function capped<T>(items: readonly T[], format: (item: T) => string): string[] {
  const lines = items.slice(0, MAX_ITEMS).map((item) => `• ${format(item)}`);
  if (items.length > MAX_ITEMS) lines.push(`+${items.length - MAX_ITEMS} more`);
  return lines;
}

function signIn(info: SignInInfo | null | undefined, state: EndUserState | undefined, now: Date): string | undefined {
  if (!info) return undefined;
  const at = parseDate(info.timestamp);
  const outside = outsideUsualPlaces(info.location, state);
  return [
    at ? formatWhen(at, now) : clean(info.timestamp, 40),
    info.ipAddress ? code(info.ipAddress, 60) : undefined,
    place(info.location),
    info.result ? clean(humanize(info.result), 40) : undefined,
    info.reason ? clean(humanize(info.reason), 200) : undefined,
    outside === true ? '🚩 outside the usual places' : undefined,
  ]
    .filter((p): p is string => !!p)
    .join(' · ');
}

function deviceLine(device: Device, now: Date): string {
  const seen = parseDate(device.lastSeen);
  return [
    `*${clean(device.displayName || device.deviceId, 100)}*`,
    device.os ? clean(humanize(device.os), 40) : undefined,
    device.deviceType ? clean(humanize(device.deviceType), 40) : undefined,
    device.provider ? `from ${clean(humanize(device.provider), 40)}` : undefined,
    seen ? `seen ${formatRelative(seen, now)}` : undefined,
  ]
    .filter((p): p is string => !!p)
    .join(' · ');
}

function accountLine(account: ProviderAccount, acted: readonly string[], state: EndUserState | undefined, now: Date) {
  const label = humanize(account.provider);
  const last = signIn(account.lastSignIn, state, now);
  return [
    `*${clean(label, 40)}* ${code(account.login, 150)}`,
    clean(statusMarker(account.status), 40),
    account.email && account.email !== account.login ? clean(account.email, 150) : undefined,
    account.mfaEnabled === undefined || account.mfaEnabled === null
      ? undefined
      : `MFA ${yesNoUnknown(account.mfaEnabled)}`,
    `id ${code(account.userId, 100)}`,
    acted.includes(label) ? 'Block acts here' : undefined,
    last ? `last sign-in ${last}` : undefined,
  ]
    .filter((p): p is string => !!p)
    .join(' · ');
}

/** A titled part of the modal; nothing when it has no lines. */
function part(title: string, lines: readonly string[]): KnownBlock[] {
  if (lines.length === 0) return [];
  return chunkLines([`*${title}*`, ...lines]).map((text) => ({ type: 'section', text: mrkdwn(text) }));
}

function userParts(input: AlertDetailsInput): KnownBlock[] {
  const context = input.userContext;
  if (!context) {
    return part('User', [
      'CII did not answer about this user when the card was posted: the card is completed when it answers.',
    ]);
  }
  const { user, state } = context;
  const details = user.endUserDetails;
  const groups = details.groupNames ?? [];
  const privileged = new Set(privilegedGroupsOf(groups, input.privilegedGroups));
  const working = [...(state?.workingLocationDetails ?? [])].sort(
    (a, b) => b.userLocationPrevalence - a.userLocationPrevalence,
  );
  const scale = working.every((w) => w.userLocationPrevalence <= 1) ? 100 : 1;
  const acted = blockTargets(user.providerEndUserDetails, input.blockProviders).map((p) => humanize(p));
  const last = signIn(details.lastSignIn, state, input.now);
  return [
    ...part('Last sign-in', last ? [last] : []),
    ...part(
      'Recent IPs',
      capped(state?.ipAddresses ?? [], (ip) => {
        const outside = outsideUsualPlaces(ip.location, state) === true ? ' 🚩' : '';
        return `${code(ip.ipAddress, 60)} ${place(ip.location) ?? 'place unknown'}${outside}`;
      }),
    ),
    ...part('Usual places', [
      ...(place(state?.registeredLocationDetails) ? [`Registered: ${place(state?.registeredLocationDetails)}`] : []),
      ...capped(
        working,
        (w) => `${place(w.location) ?? 'Unknown place'} (${Math.round(w.userLocationPrevalence * scale)}%)`,
      ),
    ]),
    ...part(
      `Devices (${(details.devices ?? []).length})`,
      capped(details.devices ?? [], (d) => deviceLine(d, input.now)),
    ),
    ...part(
      `Groups (${groups.length})`,
      capped(groups, (g) => (privileged.has(g) ? `🛡️ *${clean(g, 150)}* (privileged)` : clean(g, 150))),
    ),
    ...part(
      `Accounts (${user.providerEndUserDetails.length})`,
      capped(user.providerEndUserDetails, (a) => accountLine(a, acted, state, input.now)),
    ),
    ...part(
      'Factors used',
      (state?.usedFactors ?? []).length > 0
        ? [
            (state?.usedFactors ?? [])
              .slice(0, MAX_ITEMS)
              .map((f) => clean(humanize(f), 40))
              .join(', '),
          ]
        : [],
    ),
  ];
}

/**
 * The "More" modal of an alert card: everything the compact card leaves out — every sentence of why it fired,
 * every detail CII sent, every recent IP with its place, the usual places, devices, groups and accounts.
 */
export function alertDetailsModal(input: AlertDetailsInput): ModalView {
  const { alert, now } = input;
  const details = [...(alert.details ?? []), ...(alert.context?.explainabilityDetails ?? [])];
  const why = explain(alert.description, details);
  const recommended = explain(alert.recommendedActions, details).lines;
  const name = input.userContext?.user.endUserDetails.displayName?.trim() || alert.displayName?.trim();
  const who = name ? `*${clean(name, 100)}* (${code(alert.login, 150)})` : code(alert.login, 150);
  const trust = alert.trustLevel?.trim() ? ` · trust level ${clean(trustBadge(alert.trustLevel), 40)}` : '';
  const checkContext = checkContextLine(alert.context);
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: plainText(`${severityBadge(alert.severity, alert.severityLabel)} · ${alert.title}`, LIMITS.header),
    },
    { type: 'section', text: mrkdwn(`${who}${trust}`) },
    ...part(
      'Why it fired',
      why.lines.map((l) => clean(l, 1000)),
    ),
    ...part(
      'Details from CII',
      capped(why.unused, (d) => `${clean(detailKey(d.key), 100)}: ${clean(detailValue(d.value), MAX_VALUE)}`),
    ),
    ...(checkContext ? [{ type: 'section', text: mrkdwn(checkContext) } satisfies KnownBlock] : []),
    ...userParts(input),
    ...part(
      'Recommended',
      capped(recommended, (r) => clean(r, 500)),
    ),
    {
      type: 'context',
      elements: [
        mrkdwn(
          [
            `Check ${code(alert.checkId, 100)}`,
            `published by CII ${publishedText(alert.published, now)}`,
            input.userContext && `user details fetched ${formatRelative(input.userContext.fetchedAt, now)}`,
          ]
            .filter((p): p is string => !!p)
            .join(' · '),
        ),
      ],
    },
  ];
  return {
    type: 'modal',
    title: plainText('Alert details', LIMITS.modalTitle),
    close: plainText('Close', LIMITS.modalTitle),
    blocks: blocks.slice(0, LIMITS.blocksPerModal),
  };
}
