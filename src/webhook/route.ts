import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import { isKnownSeverity, type Finding } from '../alerts/finding.ts';
import type { Logger } from '../logger.ts';
import { BodyTooLargeError, readBody } from '../http/read-body.ts';
import { sendJson } from '../http/send-json.ts';
import { EnvelopeValidationError, parseEnvelope } from './envelope.ts';

export const WEBHOOK_PATH = '/cii/webhook';
const DEFAULT_MAX_WEBHOOK_BYTES = 1024 * 1024;

export interface WebhookRouteDeps {
  /** The value CII sends in `headerName` (registered with `registerWebhookWithApiKey`). */
  secret: string;
  /** Header CII puts the secret in, e.g. `x-api-client-token`. */
  headerName: string;
  maxBodyBytes?: number;
  /** Persists the finding (transactionally); a rejection makes the route answer 503 so CII retries. */
  onFailedCheck(finding: Finding): Promise<unknown>;
  onTest(at: Date): Promise<void>;
  logger: Logger;
}

/** Distinct unknown severities logged per process; beyond this a sender could grow the set without end. */
const MAX_LOGGED_SEVERITIES = 100;

// Answers sent before the body is read close the connection, so an unread body is not drained.
const CLOSE = { connection: 'close' };
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `POST /cii/webhook` as a Bolt custom route. The handler never rejects: every failure is an answer. */
export function createWebhookRoute(deps: WebhookRouteDeps): CustomRoute {
  if (!deps.secret) throw new Error('the CII webhook secret must not be empty');
  const headerName = deps.headerName.toLowerCase();
  const maxBodyBytes = deps.maxBodyBytes ?? DEFAULT_MAX_WEBHOOK_BYTES;
  const expectedDigest = digest(deps.secret);
  const log = deps.logger;

  const loggedSeverities = new Set<string>();
  /** A severity CII may add later is accepted and ranked with medium; each new one is said once. */
  const noteSeverity = (finding: Finding): void => {
    const label = finding.severityLabel;
    if (isKnownSeverity(label) || loggedSeverities.has(label) || loggedSeverities.size >= MAX_LOGGED_SEVERITIES) return;
    loggedSeverities.add(label);
    log.warn('CII sent a severity this app does not know: stored as sent, ranked with medium for subscriptions', {
      severity: label.slice(0, 40),
      checkId: finding.checkId,
    });
  };

  const secretMatches = (presented: string | string[] | undefined): boolean =>
    typeof presented === 'string' && timingSafeEqual(digest(presented), expectedDigest);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      sendJson(res, 405, { error: 'method_not_allowed' }, { ...CLOSE, allow: 'POST' });
      return;
    }
    if (!secretMatches(req.headers[headerName])) {
      log.warn('CII webhook refused: missing or wrong secret', { remoteAddress: req.socket.remoteAddress });
      sendJson(res, 401, { error: 'unauthorized' }, CLOSE);
      return;
    }

    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        log.warn('CII webhook refused: body too large', { limitBytes: err.limitBytes });
        sendJson(res, 413, { error: 'payload_too_large', limitBytes: err.limitBytes }, CLOSE);
      } else {
        log.warn('CII webhook body could not be read', err);
        sendJson(res, 400, { error: 'unreadable_body' }, CLOSE);
      }
      return;
    }

    if (!isJsonContentType(req.headers['content-type'])) {
      sendJson(res, 415, { error: 'unsupported_media_type', expected: 'application/json' });
      return;
    }

    let json: unknown;
    try {
      json = JSON.parse(utf8.decode(body));
    } catch {
      log.warn('CII webhook refused: body is not valid JSON');
      sendJson(res, 400, { error: 'invalid_json' });
      return;
    }

    let parsed: ReturnType<typeof parseEnvelope>;
    try {
      parsed = parseEnvelope(json);
    } catch (err) {
      if (!(err instanceof EnvelopeValidationError)) throw err;
      log.warn('CII webhook refused: invalid envelope', { reason: err.message });
      sendJson(res, 400, { error: 'invalid_envelope', reason: err.message });
      return;
    }

    switch (parsed.kind) {
      case 'test':
        if (!(await settle(() => deps.onTest(parsed.at), 'test event', res))) return;
        log.info('CII webhook test event received', { envelopeId: parsed.envelopeId });
        sendJson(res, 200, { ok: true });
        return;
      case 'failed_check':
        for (const finding of parsed.findings) {
          noteSeverity(finding);
          if (!(await settle(() => deps.onFailedCheck(finding), 'finding', res))) return;
          // The ingest logs what the finding recorded (findings summed per interval at info).
          log.debug('CII finding accepted', {
            envelopeId: finding.envelopeId,
            findingId: finding.findingId,
            checkId: finding.checkId,
            users: finding.users.length,
          });
        }
        sendJson(res, 202, {
          accepted: true,
          findings: parsed.findings.map((f) => ({ findingId: f.findingId, users: f.users.length })),
        });
        return;
      case 'ignored':
        log.info('CII webhook event ignored', { detailType: parsed.detailType });
        sendJson(res, 202, { accepted: false, ignored: parsed.detailType });
        return;
    }
  }

  /** Runs a callee; on failure answers 503 (CII retries the delivery) and returns false. */
  async function settle(run: () => Promise<unknown>, what: string, res: ServerResponse): Promise<boolean> {
    try {
      await run();
      return true;
    } catch (err) {
      log.error(`CII webhook ${what} could not be stored; answering 503 so CII retries`, err);
      sendJson(res, 503, { error: 'unavailable' });
      return false;
    }
  }

  return {
    path: WEBHOOK_PATH,
    method: ['POST'],
    handler: (req, res) => {
      handle(req, res).catch((err: unknown) => {
        log.error('CII webhook failed unexpectedly', err);
        sendJson(res, 500, { error: 'internal_error' });
      });
    },
  };
}

/** Fixed-length digests let `timingSafeEqual` compare without leaking the secret's length. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function isJsonContentType(header: string | undefined): boolean {
  const media = header?.split(';')[0]?.trim().toLowerCase() ?? '';
  return media === 'application/json' || /^application\/[\w.-]+\+json$/.test(media);
}
