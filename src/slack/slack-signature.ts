import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';

/** Slack's window: a request signed longer ago than this is stale (the replay guard bounds the future with it). */
export const SLACK_REQUEST_WINDOW_MS = 5 * 60_000;
const SIGNATURE = /^v0=([0-9a-f]{64})$/;
const TIMESTAMP = /^\d{1,12}$/;

/** Why a request is not Slack's, or undefined when its signature holds. */
export type SignatureProblem =
  | 'no signing secret'
  | 'no signature'
  | 'no timestamp'
  | 'stale timestamp'
  | 'unknown signature version'
  | 'signature mismatch';

/**
 * Checks Slack's `v0` request signature (HMAC-SHA256 of `v0:<timestamp>:<body>` under the signing secret) and
 * refuses a timestamp older than five minutes, as Bolt does, at one HMAC per request with the key prepared once
 * and a constant-time comparison (Bolt's check prepares the secret anew and compares through two more HMACs).
 */
export function slackSignatureCheck(
  signingSecret: string,
  now: () => number = Date.now,
): (signature: string | undefined, timestamp: string | undefined, body: Buffer) => SignatureProblem | undefined {
  // An empty key would let anyone sign.
  if (!signingSecret) return () => 'no signing secret';
  const key = createSecretKey(Buffer.from(signingSecret, 'utf8'));
  return (signature, timestamp, body) => {
    if (!signature) return 'no signature';
    if (!timestamp || !TIMESTAMP.test(timestamp)) return 'no timestamp';
    if (Number(timestamp) < Math.floor((now() - SLACK_REQUEST_WINDOW_MS) / 1000)) return 'stale timestamp';
    const given = SIGNATURE.exec(signature);
    if (!given) return signature.startsWith('v0=') ? 'signature mismatch' : 'unknown signature version';
    const expected = createHmac('sha256', key).update(`v0:${timestamp}:`).update(body).digest();
    return timingSafeEqual(Buffer.from(given[1]!, 'hex'), expected) ? undefined : 'signature mismatch';
  };
}
