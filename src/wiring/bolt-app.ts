import { App, type CustomRoute } from '@slack/bolt';
import { requestIdFrom, withRequestId } from '../request-id.ts';
import { createSlackReceiver, replayGuard } from '../slack/replay-guard.ts';
import { signatureBatches } from '../slack/signature-batches.ts';
import { createSocketConnection } from '../slack/socket-connection.ts';
import { createInFlight } from '../util/in-flight.ts';
import type { Wiring } from './context.ts';
import type { SlackClient } from './slack-client.ts';

/** Bolt, over HTTP (with the app's receiver) or Socket Mode, serving `routes` beside Slack's events. */
export function buildBoltApp(w: Wiring, slack: SlackClient, routes: CustomRoute[]) {
  const { config, options, logger, store, now } = w;
  const socket =
    config.slack.appToken === undefined
      ? undefined
      : createSocketConnection({
          appToken: config.slack.appToken,
          port: config.http.port,
          customRoutes: routes,
          clientOptions: slack.options,
          boltLogger: logger.child('bolt'),
          logger: logger.child('slack'),
          ...(options.startupBackoff ? { backoff: options.startupBackoff } : {}),
        });
  const app = new App({
    // Not `token`: Bolt would start auth.test in its constructor and keep a failure for good (see slack-auth.ts).
    authorize: slack.auth.authorize,
    receiver:
      socket?.receiver ??
      createSlackReceiver({
        // Required by the configuration whenever Socket Mode is off; an empty secret would refuse everything.
        signingSecret: config.slack.signingSecret ?? '',
        customRoutes: routes,
        boltLogger: logger.child('bolt'),
        logger: logger.child('slack'),
      }),
    // The app keeps no per-conversation state: skip Bolt's conversation store on every request.
    convoStore: false,
    logger: logger.child('bolt'),
    clientOptions: slack.options,
  });

  // Every line logged while a command, click or event is handled carries one id (Slack sends none); the work
  // under way is counted so a shutdown lets it finish.
  const inFlight = createInFlight();
  app.use(({ next }) => inFlight.track(() => withRequestId(requestIdFrom(undefined), next)));
  app.use(
    replayGuard({
      remember: signatureBatches((...batch) => store.rememberSignatures(...batch)),
      now: () => now().getTime(),
    }),
  );
  return { app, inFlight, socket };
}
