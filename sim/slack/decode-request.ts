import type { IncomingMessage } from 'node:http';
import type { Json } from './workspace.ts';

/** Arguments @slack/web-api sends as JSON strings inside a form body. */
const JSON_ARGS = ['blocks', 'attachments', 'view', 'metadata'];

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) throw new BodyTooLargeError(`body over ${maxBytes} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Web API arguments from the query string and a form or JSON body; JSON-in-form fields decoded (kept as text if invalid). */
export function decodeApiArgs(contentType: string | undefined, body: string, query: URLSearchParams): Json {
  const args: Json = Object.fromEntries(query);
  if (contentType?.startsWith('application/json')) {
    const parsed: unknown = body === '' ? {} : JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) Object.assign(args, parsed);
    return args;
  }
  for (const [key, value] of new URLSearchParams(body)) {
    args[key] = JSON_ARGS.includes(key) ? parseJsonOrKeep(value) : value;
  }
  return args;
}

function parseJsonOrKeep(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1];
}
