import type { CustomRoute } from '@slack/bolt';
import { createHealthRoute, type HealthCheckResult, READY_PATH } from '../http/health-route.ts';
import { withRequestIds } from '../http/request-id-route.ts';
import { instrumentWebhookRoute } from '../metrics/instrument.ts';
import type { AlertIngest } from '../services/alerts/ingest.ts';
import type { AlertPipeline } from '../services/alerts/pipeline.ts';
import type { DeliveryWorker } from '../services/delivery/worker.ts';
import type { SlackAuthorization } from '../slack/slack-auth.ts';
import { within } from '../util/within.ts';
import { createWebhookRoute } from '../webhook/route.ts';
import type { Wiring } from './context.ts';

/** The routes beside Slack's: /healthz, /readyz and, when its secret is set, CII's webhook. */
export function buildHttpRoutes(
  w: Wiring,
  deps: {
    slackAuth: SlackAuthorization;
    /** In Socket Mode, whether the WebSocket is open; undefined over HTTP. */
    socketOpen: () => boolean | undefined;
    alerts: Pick<AlertPipeline, 'receive'>;
    ingest: AlertIngest;
    worker: Pick<DeliveryWorker, 'paused'>;
  },
): CustomRoute[] {
  const { config, logger, store, metrics } = w;
  // Liveness: the process answers. Readiness: the database answers, Slack accepted the token, not draining.
  const readiness = async (): Promise<HealthCheckResult> => {
    const database =
      (await within(
        store.schemaVersion().then(
          () => true,
          () => false,
        ),
        2_000,
      )) ?? false;
    const slack = deps.slackAuth.isAuthorized();
    const socketOpen = deps.socketOpen();
    const { draining } = w.lifecycle;
    // Shown, not failed on: a refused token refuses every replica alike, and a ready replica still answers /cii status.
    const paused = deps.worker.paused();
    return {
      ok: database && slack && socketOpen !== false && !draining,
      details: {
        database: database ? 'ok' : 'unavailable',
        slack: slack ? 'authorized' : 'waiting',
        ...(socketOpen === undefined ? {} : { socket: socketOpen ? 'open' : 'connecting' }),
        delivery: paused ? `paused: Slack refuses the token (${paused.reason})` : 'running',
        draining,
      },
    };
  };
  const routes: CustomRoute[] = [];
  if (config.webhook.secret) {
    // First: Bolt compiles the path of each route in turn, on every request, until one matches.
    routes.push(
      instrumentWebhookRoute(
        createWebhookRoute({
          secret: config.webhook.secret,
          headerName: config.webhook.headerName,
          logger: logger.child('webhook'),
          onFailedCheck: (finding) => deps.alerts.receive(finding),
          onTest: (at) => deps.ingest.recordWebhookTest(at),
        }),
        metrics,
      ),
    );
  } else {
    logger.warn('CII_WEBHOOK_SECRET is not set: the CII webhook (POST /cii/webhook) is off and no alerts will arrive');
  }
  routes.push(createHealthRoute(), createHealthRoute(readiness, READY_PATH));
  return routes.map(withRequestIds);
}
