import { z } from 'zod';
import { parseCopyAll, type CopyAllField, type CopyAllReading } from './cii/copy-all.ts';
import { CII_REGIONS, resolveCiiUrls } from './cii/regions.ts';
import { resolveSecretFiles } from './secret-files.ts';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(blankToUndefined, z.string().optional());
const requiredString = (what: string) =>
  z.preprocess(blankToUndefined, z.string({ error: `is required (${what})` }).min(1, `is required (${what})`));
const optionalUrl = z.preprocess(blankToUndefined, z.url({ error: 'must be an http(s) URL' }).optional());
const intInRange = (fallback: number, min: number, max: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: `must be a whole number from ${min} to ${max}` })
      .int(`must be a whole number from ${min} to ${max}`)
      .min(min, `must be a whole number from ${min} to ${max}`)
      .max(max, `must be a whole number from ${min} to ${max}`)
      .default(fallback),
  );
const idList = (pattern: RegExp, what: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : []),
    z.array(z.string().regex(pattern, `must list ${what}`)),
  );
const SLACK_PRINCIPAL = /^[UWS][A-Z0-9]{2,}$/;

/** Environment variables, the app's public configuration contract. */
export const envSchema = z.object({
  SLACK_BOT_TOKEN: requiredString('the bot token, xoxb-…').pipe(
    z.string().startsWith('xoxb-', 'must start with xoxb-'),
  ),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: z.preprocess(blankToUndefined, z.string().startsWith('xapp-', 'must start with xapp-').optional()),
  SLACK_API_URL: optionalUrl,
  SLACK_TIMEOUT_SECONDS: intInRange(10, 1, 120),
  CII_CREDENTIALS: optionalString,
  CII_CLIENT_ID: requiredString('the CII API client id'),
  CII_CLIENT_SECRET: requiredString('the CII API client secret'),
  CII_AUDIENCE: optionalString,
  CII_REGION: z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.toLowerCase()) : v),
    z.enum(CII_REGIONS, { error: `must be one of ${CII_REGIONS.join(', ')}` }).optional(),
  ),
  CII_TOKEN_URL: optionalUrl,
  CII_API_URL: optionalUrl,
  CII_LOOKUP_CACHE_TTL_SECONDS: intInRange(60, 0, 86_400),
  CII_DEFAULT_EMAIL_DOMAIN: z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.trim().replace(/^@/, '').toLowerCase()) : v),
    z
      .string()
      .regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/, {
        error: 'must be a domain name such as example.com',
      })
      .optional(),
  ),
  CII_WEBHOOK_SECRET: z.preprocess(blankToUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
  CII_WEBHOOK_HEADER: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
      .default('x-api-client-token')
      .transform((h) => h.toLowerCase()),
  ),
  CII_ADMINS: idList(SLACK_PRINCIPAL, 'Slack user ids (U…/W…) or user-group ids (S…)'),
  CII_ALERT_GROUP_THRESHOLD: intInRange(5, 1, 1000),
  CII_PRIVILEGED_GROUPS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .max(500, 'must be at most 500 characters')
      .transform((source, ctx) => {
        try {
          return new RegExp(source, 'iu');
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: `must be a regular expression (${(err as Error).message})` });
          return z.NEVER;
        }
      })
      .optional(),
  ),
  CII_RETENTION_DAYS: intInRange(90, 1, 3650),
  CII_AUDIT_RETENTION_DAYS: intInRange(400, 1, 3650),
  CII_ACTION_LEASE_SECONDS: intInRange(30, 2, 600),
  CII_FALLBACK_CHANNEL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[CG][A-Z0-9]{2,40}$/, 'must be a Slack channel id (C… or G…)')
      .optional(),
  ),
  CII_RESPONDERS: idList(SLACK_PRINCIPAL, 'Slack user ids (U…/W…) or user-group ids (S…)'),
  CII_VERIFY_CHECKS: idList(/^[a-z0-9][a-z0-9-]*$/, 'CII check ids (kebab-case, e.g. impossible-travel)'),
  CII_VERIFY_GROUP_SECONDS: intInRange(60, 0, 3600),
  CII_VERIFY_MAX_PER_HOUR: intInRange(3, 1, 100),
  CII_VERIFY_TIMEOUT_MINUTES: intInRange(30, 1, 1440),
  CII_ESCALATION_MENTION: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^(<!subteam\^)?S[A-Z0-9]{2,}>?$/, 'must be a Slack user-group id (S…) or <!subteam^S…>')
      .transform((v) => v.replace(/^<!subteam\^/, '').replace(/>$/, ''))
      .optional(),
  ),
  CII_VERIFY_ON_DENY: z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.toLowerCase()) : v),
    z.enum(['block', 'none'], { error: 'must be block or none' }).default('none'),
  ),
  CII_VERIFY_ON_CONFIRM: z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.toLowerCase()) : v),
    z.enum(['approve', 'none'], { error: 'must be approve or none' }).default('none'),
  ),
  CII_STEP_UP: z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.toLowerCase()) : v),
    z.enum(['duo', 'off'], { error: 'must be duo or off' }).default('off'),
  ),
  DUO_AUTH_API_URL: optionalUrl,
  DUO_AUTH_IKEY: optionalString,
  DUO_AUTH_SKEY: optionalString,
  DUO_API_URL: optionalUrl,
  DUO_IKEY: optionalString,
  DUO_SKEY: optionalString,
  OKTA_ORG_URL: optionalUrl,
  OKTA_API_TOKEN: optionalString,
  ENTRA_TENANT_ID: optionalString,
  ENTRA_CLIENT_ID: optionalString,
  ENTRA_CLIENT_SECRET: optionalString,
  ENTRA_LOGIN_URL: optionalUrl,
  GRAPH_API_URL: optionalUrl,
  DATABASE_URL: optionalString,
  PORT: intInRange(3000, 0, 65_535),
  HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
  METRICS_PORT: z.union([z.literal('off'), intInRange(9464, 0, 65_535)], {
    error: 'must be a whole number from 0 to 65535, or off',
  }),
  METRICS_HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
  LOG_LEVEL: z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.toLowerCase()) : v),
    z.enum(['debug', 'info', 'warn', 'error'], { error: 'must be one of debug, info, warn, error' }).default('info'),
  ),
  LOG_FORMAT: z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.toLowerCase()) : v),
    z.enum(['json', 'line'], { error: 'must be json or line' }).default('json'),
  ),
});

const PROVIDER_VARIABLES: Record<string, string[]> = {
  Duo: ['DUO_API_URL', 'DUO_IKEY', 'DUO_SKEY'],
  'the Duo Auth API': ['DUO_AUTH_API_URL', 'DUO_AUTH_IKEY', 'DUO_AUTH_SKEY'],
  Okta: ['OKTA_ORG_URL', 'OKTA_API_TOKEN'],
  'Entra ID': ['ENTRA_TENANT_ID', 'ENTRA_CLIENT_ID', 'ENTRA_CLIENT_SECRET'],
};

/** The variables CII's "Copy all" object can stand in for, and its field for each. */
const COPY_ALL_VARIABLES = {
  CII_CLIENT_ID: 'clientId',
  CII_CLIENT_SECRET: 'clientSecret',
  CII_TOKEN_URL: 'tokenUrl',
  CII_API_URL: 'apiUrl',
  CII_AUDIENCE: 'audience',
} as const satisfies Record<string, CopyAllField>;

interface Credentials extends CopyAllReading {
  source?: 'CII_CREDENTIALS' | 'CII_CREDENTIALS_FILE';
}

const isSet = (env: NodeJS.ProcessEnv, key: string) => (env[key] ?? '').trim() !== '';

/** The "Copy all" object, pasted into CII_CREDENTIALS or read from the file CII_CREDENTIALS_FILE names. */
function readCredentials(env: NodeJS.ProcessEnv, files: Map<string, string>): Credentials {
  const text = env.CII_CREDENTIALS?.trim();
  if (!text) return { values: {}, present: new Set(), problems: [] };
  const source = files.has('CII_CREDENTIALS') ? 'CII_CREDENTIALS_FILE' : 'CII_CREDENTIALS';
  return { source, ...parseCopyAll(text, source) };
}

/** Explicit variables win; the credentials object fills the rest. */
function withCredentials(env: NodeJS.ProcessEnv, credentials: Credentials): NodeJS.ProcessEnv {
  const merged = { ...env };
  for (const [variable, field] of Object.entries(COPY_ALL_VARIABLES)) {
    const value = credentials.values[field];
    if (value !== undefined && !isSet(env, variable)) merged[variable] = value;
  }
  return merged;
}

/** "CII_CLIENT_ID is required …" gains "; CII_CREDENTIALS has no clientId" when the object lacks the key. */
function namingCredentials(problem: string, credentials: Credentials): string {
  if (!credentials.source) return problem;
  for (const [variable, field] of Object.entries(COPY_ALL_VARIABLES)) {
    if (problem.startsWith(`${variable} is required`) && !credentials.present.has(field)) {
      return `${problem}; ${credentials.source} has no ${field}`;
    }
  }
  return problem;
}

/** Rules that span variables, checked on the raw environment so they are reported alongside field errors. */
function crossFieldProblems(env: NodeJS.ProcessEnv): string[] {
  const set = (key: string) => isSet(env, key);
  const problems: string[] = [];
  if (!set('SLACK_APP_TOKEN') && !set('SLACK_SIGNING_SECRET')) {
    problems.push(
      'SLACK_SIGNING_SECRET is required (the app signing secret) unless SLACK_APP_TOKEN selects Socket Mode',
    );
  }
  for (const key of ['CII_TOKEN_URL', 'CII_API_URL']) {
    if (!set(key) && !set('CII_REGION')) problems.push(`${key} is required unless CII_REGION (us, eu, au) is set`);
  }
  // A provider is configured by all of its variables or none: half a configuration is a typo, not a choice.
  for (const [provider, keys] of Object.entries(PROVIDER_VARIABLES)) {
    const given = keys.filter(set);
    if (given.length > 0 && given.length < keys.length) {
      for (const key of keys.filter((k) => !set(k)))
        problems.push(`${key} is required to configure ${provider} (${given.join(', ')} given)`);
    }
  }
  if ((env.CII_STEP_UP ?? '').trim().toLowerCase() === 'duo') {
    const missing = PROVIDER_VARIABLES['the Duo Auth API']!.filter((k) => !set(k));
    if (missing.length === 3)
      problems.push(
        'CII_STEP_UP=duo sends a Duo Push to the responder before Block, Unblock, Retry and Approve all open: it needs a Duo Auth API application (DUO_AUTH_API_URL, DUO_AUTH_IKEY, DUO_AUTH_SKEY)',
      );
  }
  return problems;
}

export interface Config {
  slack: {
    botToken: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl?: string;
    /** How long a Web API call may take before the client gives up (a post may still have reached Slack). */
    timeoutMs: number;
  };
  cii: {
    clientId: string;
    clientSecret: string;
    audience?: string;
    tokenUrl: string;
    apiUrl: string;
    /** Which URLs came from a region preset rather than explicit configuration. */
    presetUrls: Array<'tokenUrl' | 'apiUrl'>;
    /** Where each URL came from: a variable name, or the CII_REGION preset. */
    urlSources: { tokenUrl: string; apiUrl: string };
    lookupCacheTtlSeconds: number;
    /** A bare login CII does not know is tried once more as `<login>@<defaultEmailDomain>`. */
    defaultEmailDomain?: string;
  };
  webhook: { secret?: string; headerName: string };
  alerts: {
    groupThreshold: number;
    /** Group names the alert card flags as privileged; the card's admin-like default when absent. */
    privilegedGroups?: RegExp;
    /** Where alerts no subscription matches are posted, marked as unrouted; unset: only kept and counted. */
    fallbackChannel?: string;
  };
  /** Days alerts, their cards and seen webhook ids are kept; the audit has its own, longer retention. */
  retention: { days: number; auditDays: number };
  /** A replica's hold on a Block or Unblock under way, renewed while it works; once expired any replica finishes it. */
  actions: { leaseMs: number };
  /** "Was this you?": which checks ask the affected user, and how. */
  verify: {
    /** Check ids whose alerts ask the user; empty: the feature is off. */
    checks: string[];
    /** Alerts of one user within this window share one DM. */
    groupWindowMs: number;
    /** At most this many DMs per user per hour. */
    maxPerHour: number;
    timeoutMinutes: number;
    /** User-group id mentioned when a user says it was not them. */
    escalationMention?: string;
    onDeny: 'block' | 'none';
    onConfirm: 'approve' | 'none';
    /** A Duo Auth API application: a "Yes, it was me" counts only once a Duo Push to the user is approved. */
    duoAuth?: { apiUrl: string; ikey: string; skey: string };
  };
  /**
   * `duo`: a responder's Block, Unblock, Retry and Approve all open go ahead only once a Duo Push to them is approved
   * (through `verify.duoAuth`, which start-up then requires).
   */
  stepUp: 'duo' | 'off';
  admins: string[];
  /** Who may Approve or Block (deny by default: empty means nobody). */
  responders: string[];
  identityProviders: {
    duo?: { apiUrl: string; ikey: string; skey: string };
    okta?: { orgUrl: string; apiToken: string };
    entra?: { tenantId: string; clientId: string; clientSecret: string; loginUrl?: string; graphUrl?: string };
  };
  databaseUrl?: string;
  http: { port: number; host: string };
  /** Where `GET /metrics` is served, apart from the Slack-facing port; undefined when METRICS_PORT=off. */
  metrics?: { port: number; host: string };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  logFormat: 'json' | 'line';
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Parses the environment once; a secret may come from the file `<NAME>_FILE` names, and the CII client from the
 * console's "Copy all" object. Messages name variables, keys of that object and the files secrets were read from,
 * never their values.
 */
export function loadConfig(rawEnv: NodeJS.ProcessEnv = process.env): Config {
  const { env: resolved, files, problems: fileProblems, unresolved } = resolveSecretFiles(rawEnv);
  const credentials = readCredentials(resolved, files);
  const env = withCredentials(resolved, credentials);
  // An unreadable credentials file already explains every CII value it would have given.
  const unexplained = (name: string) =>
    !unresolved.has(name) &&
    !(unresolved.has('CII_CREDENTIALS') && Object.keys(COPY_ALL_VARIABLES).includes(name) && !isSet(env, name));
  const parsed = envSchema.safeParse(env);
  const issues = parsed.success ? [] : parsed.error.issues.filter((i) => unexplained(String(i.path[0])));
  const problems = [
    ...fileProblems,
    ...credentials.problems,
    ...[
      ...issues.map((issue) => describeIssue(issue, files)),
      ...crossFieldProblems(env).filter((p) => unexplained(p.slice(0, p.indexOf(' ')))),
    ].map((p) => namingCredentials(p, credentials)),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError([...new Set(problems)]);
  const e = parsed.data;
  const urls = resolveCiiUrls({ region: e.CII_REGION, apiUrl: e.CII_API_URL, tokenUrl: e.CII_TOKEN_URL });
  const urlSource = (variable: 'CII_TOKEN_URL' | 'CII_API_URL', preset: boolean) =>
    preset
      ? `CII_REGION preset (${e.CII_REGION ?? '?'})`
      : isSet(resolved, variable)
        ? variable
        : (credentials.source ?? variable);
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL ? withTrailingSlash(e.SLACK_API_URL) : undefined,
      timeoutMs: e.SLACK_TIMEOUT_SECONDS * 1000,
    },
    cii: {
      clientId: e.CII_CLIENT_ID,
      clientSecret: e.CII_CLIENT_SECRET,
      audience: e.CII_AUDIENCE,
      tokenUrl: urls.tokenUrl,
      apiUrl: urls.apiUrl,
      presetUrls: urls.presetUrls,
      urlSources: {
        tokenUrl: urlSource('CII_TOKEN_URL', urls.presetUrls.includes('tokenUrl')),
        apiUrl: urlSource('CII_API_URL', urls.presetUrls.includes('apiUrl')),
      },
      lookupCacheTtlSeconds: e.CII_LOOKUP_CACHE_TTL_SECONDS,
      defaultEmailDomain: e.CII_DEFAULT_EMAIL_DOMAIN,
    },
    webhook: { secret: e.CII_WEBHOOK_SECRET, headerName: e.CII_WEBHOOK_HEADER },
    alerts: {
      groupThreshold: e.CII_ALERT_GROUP_THRESHOLD,
      fallbackChannel: e.CII_FALLBACK_CHANNEL,
      ...(e.CII_PRIVILEGED_GROUPS ? { privilegedGroups: e.CII_PRIVILEGED_GROUPS } : {}),
    },
    retention: { days: e.CII_RETENTION_DAYS, auditDays: e.CII_AUDIT_RETENTION_DAYS },
    actions: { leaseMs: e.CII_ACTION_LEASE_SECONDS * 1000 },
    verify: {
      checks: [...new Set(e.CII_VERIFY_CHECKS)],
      groupWindowMs: e.CII_VERIFY_GROUP_SECONDS * 1000,
      maxPerHour: e.CII_VERIFY_MAX_PER_HOUR,
      timeoutMinutes: e.CII_VERIFY_TIMEOUT_MINUTES,
      ...(e.CII_ESCALATION_MENTION ? { escalationMention: e.CII_ESCALATION_MENTION } : {}),
      onDeny: e.CII_VERIFY_ON_DENY,
      onConfirm: e.CII_VERIFY_ON_CONFIRM,
      ...(e.DUO_AUTH_API_URL && e.DUO_AUTH_IKEY && e.DUO_AUTH_SKEY
        ? { duoAuth: { apiUrl: e.DUO_AUTH_API_URL, ikey: e.DUO_AUTH_IKEY, skey: e.DUO_AUTH_SKEY } }
        : {}),
    },
    stepUp: e.CII_STEP_UP,
    admins: e.CII_ADMINS,
    responders: e.CII_RESPONDERS,
    identityProviders: {
      ...(e.DUO_API_URL && e.DUO_IKEY && e.DUO_SKEY
        ? { duo: { apiUrl: e.DUO_API_URL, ikey: e.DUO_IKEY, skey: e.DUO_SKEY } }
        : {}),
      ...(e.OKTA_ORG_URL && e.OKTA_API_TOKEN ? { okta: { orgUrl: e.OKTA_ORG_URL, apiToken: e.OKTA_API_TOKEN } } : {}),
      ...(e.ENTRA_TENANT_ID && e.ENTRA_CLIENT_ID && e.ENTRA_CLIENT_SECRET
        ? {
            entra: {
              tenantId: e.ENTRA_TENANT_ID,
              clientId: e.ENTRA_CLIENT_ID,
              clientSecret: e.ENTRA_CLIENT_SECRET,
              loginUrl: e.ENTRA_LOGIN_URL,
              graphUrl: e.GRAPH_API_URL,
            },
          }
        : {}),
    },
    databaseUrl: e.DATABASE_URL,
    http: { port: e.PORT, host: e.HOST },
    ...(e.METRICS_PORT === 'off' ? {} : { metrics: { port: e.METRICS_PORT, host: e.METRICS_HOST } }),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
  };
}

function describeIssue(issue: z.core.$ZodIssue, files: Map<string, string>): string {
  const [name, index] = issue.path;
  const file = files.get(String(name));
  const where =
    typeof index === 'number'
      ? `${String(name)} (entry ${index + 1})`
      : file
        ? `${String(name)} (read from ${file})`
        : String(name ?? 'environment');
  return `${where} ${issue.message}`;
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
