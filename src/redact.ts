/** Keys whose values are secrets wherever they appear; lines carry `[redacted]` instead. */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'authorization',
  'Authorization',
  'cookie',
  'token',
  'accessToken',
  'access_token',
  'refresh_token',
  'botToken',
  'appToken',
  'apiToken',
  'secret',
  'clientSecret',
  'client_secret',
  'signingSecret',
  'password',
  'skey',
  'apiKey',
  'api_key',
  'databaseUrl',
  'x-slack-signature',
  'x-api-client-token',
]);
/** How deep in a line secret keys are looked for: a line's own fields are at depth 1, an array element counts. */
export const MAX_REDACTED_DEPTH = 4;
const CENSOR = '[redacted]';

/**
 * A log line's fields with every secret key's value censored, down to {@link MAX_REDACTED_DEPTH}; objects are copied
 * only where something is censored. One walk of the line instead of pino's redaction, which tried each of the 84
 * key and wildcard paths on every line (a tenth of the CPU of a webhook's ingest).
 */
export function redactSecrets(fields: Record<string, unknown>): Record<string, unknown> {
  return censored(fields, 1) as Record<string, unknown>;
}

function censored(value: unknown, depth: number): unknown {
  if (depth > MAX_REDACTED_DEPTH || value === null || typeof value !== 'object') return value;
  // What JSON.stringify would write (a Date's string, an HTTP error's own summary).
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return censored(toJSON.call(value), depth);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const kept = censored(item, depth + 1);
      if (kept !== item) (copy ??= [...(value as unknown[])])[i] = kept;
    });
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const kept = SECRET_KEYS.has(key) ? CENSOR : censored(item, depth + 1);
    if (kept !== item) (copy ??= { ...value })[key] = kept;
  }
  return copy ?? value;
}
