import { formatLocation, formatRelative, formatUtc, humanize, parseDate, statusMarker, trustBadge } from './format.ts';
import type { EndUser, EndUserState, GeoLocation, ProviderAccount, SignInInfo } from './identity.ts';
import { clean, code, listWithMore } from './limits.ts';

/** What CII told about an alert's user when the card was composed. */
export interface UserContextView {
  user: EndUser;
  state?: EndUserState;
  fetchedAt: Date;
}

export interface EvidenceInput {
  login: string;
  displayName?: string;
  context?: UserContextView;
  /** The finding's `userTrustLevel` (TRUSTED … UNTRUSTED), when CII sent one. */
  trustLevel?: string;
  /** Labels of the providers Block acts in (`Duo`, `Okta`, `Entra ID`). */
  blockProviders: readonly string[];
  /** Group names matching this are flagged as privileged. */
  privilegedGroups: RegExp;
  now: Date;
  /** What the alert's block did at each account: those accounts read as this app left them, not as CII last saw them. */
  blockResults?: ReadonlyArray<{ label: string; providerUserId: string; ok: boolean }>;
}

const MAX_NAME = 80;
const MAX_LOGIN = 120;
const SHOWN = { ips: 3, places: 3, groups: 3, factors: 4, accounts: 5 } as const;

const USER_TYPES: Record<string, string> = {
  SERVICE_ACCOUNT: '⚙️ *Service account*: an integration may depend on it',
  SHARED_MAILBOX: '📬 *Shared mailbox*: several people may sign in with it',
  CONFERENCE_ROOM: '🏢 *Conference room account*',
  EQUIPMENT_MAILBOX: '🖨️ *Equipment mailbox*',
  OTHER_MAILBOX: '📬 *Non-personal mailbox*',
  LINKED_USER_ACCOUNT: '🔗 *Linked account* of another user',
  EXTERNAL: '🌐 *External* user',
};

/** "🇷🇺 Moscow, RU": city and country only, so a place fits a narrow field. */
function place(location: GeoLocation | null | undefined): string | undefined {
  if (!location) return undefined;
  return formatLocation({ city: location.city, country: location.country }, { flag: true });
}

const sameText = (a: string | null | undefined, b: string | null | undefined) =>
  !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

/** The registered and usual working locations, the places a sign-in is compared with. */
function usualPlaces(state: EndUserState | undefined): GeoLocation[] {
  return [
    ...(state?.registeredLocationDetails ? [state.registeredLocationDetails] : []),
    ...(state?.workingLocationDetails ?? []).map((w) => w.location),
  ];
}

/**
 * Whether a sign-in came from outside the registered and usual working locations: the same country, and the same
 * city when both name one, counts as inside. Undefined when either side is unknown.
 */
export function outsideUsualPlaces(
  location: GeoLocation | null | undefined,
  state: EndUserState | undefined,
): boolean | undefined {
  const usual = usualPlaces(state).filter((l) => l.country);
  if (!location?.country || usual.length === 0) return undefined;
  return !usual.some(
    (u) => sameText(u.country, location.country) && (!u.city || !location.city || sameText(u.city, location.city)),
  );
}

/** The user's groups whose names look privileged (admin-like), as configured. */
export function privilegedGroupsOf(groups: readonly string[] | null | undefined, pattern: RegExp): string[] {
  return (groups ?? []).filter((g) => new RegExp(pattern.source, pattern.flags.replace('g', '')).test(g));
}

function whoField(input: EvidenceInput): string {
  const details = input.context?.user.endUserDetails;
  const state = input.context?.state;
  const name = details?.displayName?.trim() || state?.displayName?.trim() || input.displayName?.trim();
  const role = [details?.title, details?.department].filter((p): p is string => !!p?.trim()).map((p) => clean(p, 60));
  const manager = details?.managerLogin ?? state?.managerLogin;
  const type = (details?.userTypeClassification ?? state?.userTypeClassification ?? '').trim().toUpperCase();
  return [
    '*Who*',
    name ? `*${clean(name, MAX_NAME)}*` : undefined,
    clean(input.login, MAX_LOGIN),
    role.length > 0 ? role.join(' · ') : undefined,
    manager ? `Manager: ${clean(manager, MAX_LOGIN)}` : undefined,
    USER_TYPES[type],
  ]
    .filter((l): l is string => !!l)
    .join('\n');
}

function trustField(input: EvidenceInput): string | undefined {
  const details = input.context?.user.endUserDetails;
  const level = input.trustLevel?.trim();
  const factors = input.context?.state?.usedFactors ?? [];
  const factorText = listWithMore(factors, SHOWN.factors, (f) => clean(humanize(f), 30));
  const mfa =
    details?.mfaEnabled === true
      ? `🔐 MFA on${factorText ? ` · ${factorText}` : ''}`
      : details?.mfaEnabled === false
        ? `⚠️ *MFA off*${factorText ? ` · uses ${factorText}` : ''}`
        : factorText
          ? `Factors: ${factorText}`
          : undefined;
  const privileged = privilegedGroupsOf(details?.groupNames, input.privilegedGroups);
  const lines = [
    level ? `Trust level: *${clean(trustBadge(level), 40)}*` : undefined,
    mfa,
    privileged.length > 0
      ? `🛡️ *Privileged:* ${listWithMore(privileged, SHOWN.groups, (g) => clean(g, 60))}`
      : undefined,
  ].filter((l): l is string => !!l);
  return lines.length > 0 ? ['*Trust · MFA · Groups*', ...lines].join('\n') : undefined;
}

function resultText(signIn: SignInInfo): string | undefined {
  const result = signIn.result?.trim().toUpperCase();
  const reason = signIn.reason ? clean(humanize(signIn.reason), 60) : undefined;
  if (result === 'SUCCESS') return '✅ Success';
  if (result === 'FAILURE' || result === 'FAILED') return `❌ Failed${reason ? ` (${reason})` : ''}`;
  const word = result ? clean(humanize(result), 30) : undefined;
  return [word, reason].filter(Boolean).join(' · ') || undefined;
}

function signInField(input: EvidenceInput): string | undefined {
  const signIn = input.context?.user.endUserDetails.lastSignIn;
  if (!signIn) return undefined;
  const at = parseDate(signIn.timestamp);
  const where = place(signIn.location);
  const outside = outsideUsualPlaces(signIn.location, input.context?.state);
  return [
    '*Last sign-in*',
    at ? `${formatRelative(at, input.now)} · ${formatUtc(at)}` : clean(signIn.timestamp, 40),
    [signIn.ipAddress ? code(signIn.ipAddress, 60) : undefined, where ? clean(where, MAX_NAME) : undefined]
      .filter(Boolean)
      .join(' · ') || undefined,
    resultText(signIn),
    outside === true ? '🚩 *Outside the usual places*' : outside === false ? '📍 In a usual place' : undefined,
  ]
    .filter((l): l is string => !!l)
    .join('\n');
}

function placesField(state: EndUserState | undefined): string | undefined {
  const registered = place(state?.registeredLocationDetails);
  const working = [...(state?.workingLocationDetails ?? [])].sort(
    (a, b) => b.userLocationPrevalence - a.userLocationPrevalence,
  );
  // CII documents prevalence only as a Float: values all within 0..1 are fractions, otherwise percentages.
  const scale = working.every((w) => w.userLocationPrevalence <= 1) ? 100 : 1;
  const works = listWithMore(working, SHOWN.places, (w) => {
    const where = clean(place(w.location) ?? 'Unknown place', MAX_NAME);
    return `${where} (${Math.round(w.userLocationPrevalence * scale)}%)`;
  });
  const lines = [
    registered ? `Registered: ${clean(registered, MAX_NAME)}` : undefined,
    works ? `Works from: ${works}` : undefined,
  ].filter((l): l is string => !!l);
  return lines.length > 0 ? ['*Usual places*', ...lines].join('\n') : undefined;
}

function ipsField(state: EndUserState | undefined): string | undefined {
  const ips = state?.ipAddresses ?? [];
  if (ips.length === 0) return undefined;
  const lines = ips.slice(0, SHOWN.ips).map((ip) => {
    const where = place(ip.location);
    return `${code(ip.ipAddress, 60)}${where ? ` ${clean(where, MAX_NAME)}` : ''}`;
  });
  if (ips.length > SHOWN.ips) lines.push(`+${ips.length - SHOWN.ips} more`);
  return ['*Recent IPs*', ...lines].join('\n');
}

const labelOf = (provider: string) => humanize(provider);

/** The providers Block acts in that hold an account of the user; what the card and the preview both name. */
export function blockTargets(accounts: readonly ProviderAccount[], blockProviders: readonly string[]): string[] {
  return blockProviders.filter((p) => accounts.some((a) => sameText(labelOf(a.provider), labelOf(p))));
}

function accountsField(input: EvidenceInput): string | undefined {
  const accounts = input.context?.user.providerEndUserDetails;
  if (!accounts) return undefined;
  const configured = (provider: string) => input.blockProviders.some((p) => sameText(labelOf(p), labelOf(provider)));
  const targets = blockTargets(accounts, input.blockProviders);
  const heading =
    input.blockProviders.length === 0
      ? '*Accounts*'
      : targets.length > 0
        ? `*Accounts* · Block acts in ${targets.map((t) => clean(labelOf(t), 30)).join(', ')}`
        : '*Accounts* · none Block can act on';
  const lines = accounts.slice(0, SHOWN.accounts).map((a) => {
    const result = input.blockResults?.find(
      (r) => sameText(r.label, labelOf(a.provider)) && r.providerUserId === a.userId,
    );
    const status = result
      ? result.ok
        ? '⛔ *Blocked* by this app'
        : '⚠️ *Block failed*'
      : clean(statusMarker(a.status), 40);
    const note = input.blockProviders.length > 0 && !configured(a.provider) ? ' _(not configured here)_' : '';
    return `${clean(labelOf(a.provider), 30)} ${status}${note}`;
  });
  if (accounts.length > SHOWN.accounts) lines.push(`+${accounts.length - SHOWN.accounts} more`);
  for (const p of input.blockProviders.filter((p) => !accounts.some((a) => sameText(labelOf(a.provider), labelOf(p)))))
    lines.push(`${clean(labelOf(p), 30)}: no account`);
  return [heading, ...lines].join('\n');
}

/**
 * The evidence fields of an alert card, escaped mrkdwn: who the user is, how much to trust them, the last sign-in
 * and how usual its place is, recent IPs, usual places, and the accounts Block would act on. Only `Who` when CII
 * has not answered.
 */
export function evidenceFields(input: EvidenceInput): string[] {
  const state = input.context?.state;
  return [
    whoField(input),
    trustField(input),
    signInField(input),
    placesField(state),
    ipsField(state),
    accountsField(input),
  ].filter((f): f is string => !!f);
}

const IP_LIKE = /^[0-9a-f.:]{2,45}$/i;

/** The address a "Look up IP" button looks up: the last sign-in's, when it looks like an IPv4 or IPv6 address. */
export function lookupIpOf(context: UserContextView | undefined): string | undefined {
  const ip = context?.user.endUserDetails.lastSignIn?.ipAddress?.trim();
  return ip && IP_LIKE.test(ip) ? ip : undefined;
}
