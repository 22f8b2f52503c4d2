/** What CII's console puts on the clipboard with "Copy all" for an API client, as the app reads it. */
export interface CopyAllCredentials {
  clientId?: string;
  clientSecret?: string;
  tokenUrl?: string;
  apiUrl?: string;
  audience?: string;
}

export type CopyAllField = keyof CopyAllCredentials;

export interface CopyAllReading {
  values: CopyAllCredentials;
  /** The fields the object has a key for, even when its value was refused. */
  present: Set<CopyAllField>;
  problems: string[];
}

const FIELDS: Record<string, CopyAllField> = {
  clientid: 'clientId',
  clientsecret: 'clientSecret',
  tokenurl: 'tokenUrl',
  apiurl: 'apiUrl',
  audience: 'audience',
};
const URL_FIELDS: ReadonlySet<CopyAllField> = new Set(['tokenUrl', 'apiUrl']);

/**
 * Reads the pasted "Copy all" object. Its key spelling is not published, so `clientId`, `client_id`,
 * `ClientID` and `client-id` are one key; unknown keys are ignored. `source` names where the text came from
 * (a variable) in every problem, and no problem repeats a value from the text: it holds the client secret.
 */
export function parseCopyAll(text: string, source: string): CopyAllReading {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // JSON.parse quotes the text around the error: keep only the position.
    const position = /position (\d+)/.exec(err instanceof Error ? err.message : '')?.[1];
    const where = position === undefined ? '' : ` (at character ${Number(position) + 1})`;
    return {
      values: {},
      present: new Set(),
      problems: [`${source} is not valid JSON${where}: paste CII's "Copy all" text unchanged`],
    };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { values: {}, present: new Set(), problems: [`${source} must be a JSON object (CII's "Copy all" text)`] };
  }

  const values: CopyAllCredentials = {};
  const keyOf: Partial<Record<CopyAllField, string>> = {};
  const problems: string[] = [];
  for (const [key, raw] of Object.entries(json)) {
    const field = FIELDS[key.toLowerCase().replace(/[^a-z]/g, '')];
    if (!field) continue;
    if (keyOf[field] !== undefined) {
      problems.push(`${source} has ${field} twice (${keyOf[field]} and ${key}): keep one`);
      continue;
    }
    keyOf[field] = key;
    // An API client created after September 2025 has no audience: an empty one means none.
    if (raw == null || (field === 'audience' && typeof raw === 'string' && raw.trim() === '')) continue;
    if (typeof raw !== 'string' || raw.trim() === '') {
      problems.push(`${source} ${key} must be a non-empty string`);
      continue;
    }
    const value = raw.trim();
    if (URL_FIELDS.has(field) && !isHttpUrl(value)) {
      problems.push(`${source} ${key} must be an http(s) URL`);
      continue;
    }
    values[field] = value;
  }
  return { values, present: new Set(Object.keys(keyOf) as CopyAllField[]), problems };
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
