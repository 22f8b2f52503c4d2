import type { KnownBlock } from '@slack/types';
import type { Device, EndUser, EndUserState, ProviderAccount, SignInInfo } from './identity.ts';
import { cardFooter } from './card-footer.ts';
import { accountStatus, blockedSummary, userAlertsLines, type AppDecisionsView } from './user-alerts.ts';
import {
  formatLocation,
  formatRelative,
  formatWhen,
  humanize,
  labeled,
  parseDate,
  statusMarker,
  yesNoUnknown,
} from './format.ts';
import {
  buildMessage,
  bulletsWithMore,
  chunkLines,
  clean,
  code,
  fieldsOf,
  LIMITS,
  listWithMore,
  mrkdwn,
  plainText,
  type SlackMessage,
} from './limits.ts';

export interface UserCardInput {
  user: EndUser;
  state?: EndUserState;
  fetchedAt: Date;
  now: Date;
  /** Adds a "Share in channel" button carrying this value. */
  share?: { value: string };
  /** Slack user id of whoever shared the card. */
  sharedBy?: string;
  /** The login asked for, when it matched nothing and CII found the user under `user`'s login instead. */
  askedFor?: string;
  /** What this app itself did about the user (blocks, alerts and their decisions), which CII may not show yet. */
  app?: AppDecisionsView;
}

// Per-item caps keep the whole card far below Slack's total-text budget even for absurd CII data.
const MAX_NAME = 100;
const MAX_LOGIN = 150;
const MAX_WORD = 40;
const SHOWN = { checks: 10, devices: 3, accounts: 10, groups: 5, locations: 5, factors: 10 } as const;

function signInLine(signIn: SignInInfo | null | undefined, now: Date): string | undefined {
  if (!signIn) return undefined;
  const at = parseDate(signIn.timestamp);
  const location = formatLocation(signIn.location);
  const result = signIn.result ? clean(humanize(signIn.result), MAX_WORD) : undefined;
  const reason = signIn.reason ? clean(humanize(signIn.reason), 200) : undefined;
  const parts = [
    at && formatWhen(at, now),
    signIn.ipAddress && `from ${clean(signIn.ipAddress, 60)}`,
    location && clean(location, MAX_NAME),
    result && reason ? `${result} (${reason})` : (result ?? reason),
  ].filter((p): p is string => !!p);
  return parts.length > 0 ? `*Last sign-in:* ${parts.join(' · ')}` : undefined;
}

function deviceLine(device: Device, now: Date): string {
  const seen = parseDate(device.lastSeen);
  return [
    clean(device.displayName || device.deviceId, MAX_NAME),
    device.os && clean(humanize(device.os), MAX_WORD),
    seen && `seen ${formatRelative(seen, now)}`,
  ]
    .filter((p): p is string => !!p)
    .join(' · ');
}

function accountLine(account: ProviderAccount, app: AppDecisionsView | undefined, now: Date): string {
  return [
    clean(humanize(account.provider), MAX_WORD),
    accountStatus(account, app, now),
    clean(account.login, MAX_LOGIN),
  ].join(' · ');
}

function locationsLine(state: EndUserState | undefined): string | undefined {
  const registered = formatLocation(state?.registeredLocationDetails, { flag: true });
  const working = [...(state?.workingLocationDetails ?? [])].sort(
    (a, b) => b.userLocationPrevalence - a.userLocationPrevalence,
  );
  // CII documents prevalence only as a Float: read values all within 0..1 as fractions, otherwise as percentages.
  const scale = working.every((w) => w.userLocationPrevalence <= 1) ? 100 : 1;
  const workingText = listWithMore(working, SHOWN.locations, (w) => {
    const place = clean(formatLocation(w.location, { flag: true }) ?? 'Unknown place', MAX_NAME);
    return `${place} (${Math.round(w.userLocationPrevalence * scale)}%)`;
  });
  const lines = [
    registered && `*Registered location:* ${clean(registered, MAX_NAME)}`,
    workingText && `*Working locations:* ${workingText}`,
  ].filter((p): p is string => !!p);
  return lines.length > 0 ? lines.join('\n') : undefined;
}

/** The compact card answering `/cii user <login>`. */
export function userCard(input: UserCardInput): SlackMessage {
  const { user, state, now } = input;
  const details = user.endUserDetails;
  const name = details.displayName?.trim() || state?.displayName?.trim() || details.login;
  const userType = details.userTypeClassification ?? state?.userTypeClassification;
  const factors = state?.usedFactors ?? [];
  const checks = details.failingChecks;
  const devices = details.devices ?? [];
  const groups = details.groupNames ?? [];
  const accounts = user.providerEndUserDetails;

  const paragraphs = [
    ...userAlertsLines(input.app?.alerts, details.login, now),
    signInLine(details.lastSignIn, now),
    checks &&
      (checks.length > 0
        ? `*Failing checks (${checks.length}):* ${listWithMore(checks, SHOWN.checks, (c) => code(c, MAX_NAME))}`
        : '*Failing checks:* none'),
    devices.length > 0 &&
      `*Devices (${devices.length}):*\n${bulletsWithMore(devices, SHOWN.devices, (d) => deviceLine(d, now))}`,
    accounts.length > 0 &&
      `*Accounts:*\n${bulletsWithMore(accounts, SHOWN.accounts, (a) => accountLine(a, input.app, now))}`,
    groups.length > 0 &&
      `*Groups (${groups.length}):* ${listWithMore(groups, SHOWN.groups, (g) => clean(g, MAX_NAME))}`,
    locationsLine(state),
  ].filter((p): p is string => !!p);

  const blocks: KnownBlock[] = [
    { type: 'header', text: plainText(name, LIMITS.header) },
    ...(input.askedFor === undefined
      ? []
      : [
          {
            type: 'context',
            elements: [
              mrkdwn(
                `CII has no user \`${clean(input.askedFor, MAX_LOGIN)}\`: found \`${clean(details.login, MAX_LOGIN)}\` instead.`,
              ),
            ],
          } satisfies KnownBlock,
        ]),
    {
      type: 'section',
      fields: fieldsOf(
        labeled('Login', clean(details.login, MAX_LOGIN)),
        labeled(
          'Status',
          [clean(statusMarker(details.status), MAX_WORD), blockedSummary(accounts, input.app)]
            .filter(Boolean)
            .join('\n'),
        ),
        labeled('User type', userType ? clean(humanize(userType), MAX_WORD) : undefined),
        labeled('Title', clean(details.title, MAX_NAME)),
        labeled('Department', clean(details.department, MAX_NAME)),
        labeled('Company', clean(details.company, MAX_NAME)),
        labeled('Manager', clean(details.managerLogin ?? state?.managerLogin, MAX_LOGIN)),
        labeled('MFA enabled', yesNoUnknown(details.mfaEnabled)),
        labeled(
          'Factors used',
          listWithMore(factors, SHOWN.factors, (f) => clean(humanize(f), MAX_WORD)),
        ),
      ),
    },
    ...chunkLines(paragraphs.flatMap((p) => p.split('\n'))).map((text): KnownBlock => ({
      type: 'section',
      text: mrkdwn(text),
    })),
  ];
  const footer = cardFooter({ ...input, openUrl: details.referenceUrl || state?.referenceUrl });
  const who = name === details.login ? details.login : `${name} (${details.login})`;
  return buildMessage(`CII user: ${who} — ${humanize(details.status || 'unknown')}`, blocks, footer);
}
