import type { CustomRoute } from '@slack/bolt';
import { sendJson } from './send-json.ts';

const HEALTH_PATH = '/healthz';
export const READY_PATH = '/readyz';

export interface HealthCheckResult {
  ok: boolean;
  details?: Record<string, unknown>;
}

/** `GET /healthz` (or `path`): 200 `{status: 'ok'}`, or 503 when the check says not ok or throws. */
export function createHealthRoute(check?: () => Promise<HealthCheckResult>, path = HEALTH_PATH): CustomRoute {
  return {
    path,
    method: ['GET'],
    handler: (req, res) => {
      if (req.method !== 'GET') {
        sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET' });
        return;
      }
      const run = check ?? (() => Promise.resolve({ ok: true }));
      // Through a promise so a check that throws synchronously is caught too.
      Promise.resolve()
        .then(run)
        .then(
          (result) => {
            const details = result.details ? { details: result.details } : {};
            sendJson(res, result.ok ? 200 : 503, { status: result.ok ? 'ok' : 'unavailable', ...details });
          },
          () => sendJson(res, 503, { status: 'unavailable' }),
        );
    },
  };
}
