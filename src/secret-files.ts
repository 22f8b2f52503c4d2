import { readFileSync } from 'node:fs';

/** Variables that may instead name a file holding the value, as `<NAME>_FILE` (Docker and Kubernetes secrets). */
export const SECRET_VARIABLES = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'CII_CLIENT_SECRET',
  'CII_CREDENTIALS',
  'CII_WEBHOOK_SECRET',
  'DUO_SKEY',
  'DUO_AUTH_SKEY',
  'OKTA_API_TOKEN',
  'ENTRA_CLIENT_SECRET',
  'DATABASE_URL',
] as const;

export interface ResolvedSecrets {
  /** The environment with every `<NAME>_FILE` replaced by `<NAME>` holding the file's trimmed content. */
  env: NodeJS.ProcessEnv;
  /** Which variables came from a file, and its path (for messages: the path, never the content). */
  files: Map<string, string>;
  problems: string[];
  /** Variables whose file could not be read or that were given twice: their other checks would only repeat it. */
  unresolved: Set<string>;
}

const isSet = (v: string | undefined) => v !== undefined && v.trim() !== '';

export function resolveSecretFiles(
  env: NodeJS.ProcessEnv,
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): ResolvedSecrets {
  const resolved: NodeJS.ProcessEnv = { ...env };
  const files = new Map<string, string>();
  const problems: string[] = [];
  const unresolved = new Set<string>();
  for (const name of SECRET_VARIABLES) {
    const path = env[`${name}_FILE`];
    delete resolved[`${name}_FILE`];
    if (!isSet(path)) continue;
    if (isSet(env[name])) {
      problems.push(`${name} and ${name}_FILE are both set: set only one`);
      unresolved.add(name);
      continue;
    }
    const filePath = path!.trim();
    try {
      resolved[name] = read(filePath).trim();
      files.set(name, filePath);
    } catch (err) {
      problems.push(`${name}_FILE names ${filePath}, which cannot be read (${reasonOf(err)})`);
      unresolved.add(name);
    }
  }
  return { env: resolved, files, problems, unresolved };
}

function reasonOf(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return typeof code === 'string' ? code : 'unreadable';
}
