import type { CiiSimulator } from './cii/server.ts';
import type { IdpSimulators } from './idp/simulators.ts';
import type { FakeSlack } from './slack/fake-slack.ts';

export interface SimulatedWorld {
  slack: FakeSlack;
  cii: Pick<CiiSimulator, 'credentials' | 'tokenUrl' | 'apiUrl'>;
  /** When given, Block acts in the Duo, Okta and Graph simulators. */
  idp?: IdpSimulators;
  signingSecret: string;
  webhookSecret: string;
}

/** The app's environment variables for the simulators (tests, the demo and the benchmarks add the rest). */
export function simulatorEnv(world: SimulatedWorld): Record<string, string> {
  const { slack, cii, idp } = world;
  return {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: world.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    // Tests, the demo and benchmarks run many apps on one machine: metrics on a free port each.
    METRICS_PORT: '0',
    CII_CLIENT_ID: cii.credentials.clientId,
    CII_CLIENT_SECRET: cii.credentials.clientSecret,
    ...(cii.credentials.audience === undefined ? {} : { CII_AUDIENCE: cii.credentials.audience }),
    CII_TOKEN_URL: cii.tokenUrl,
    CII_API_URL: cii.apiUrl,
    CII_WEBHOOK_SECRET: world.webhookSecret,
    ...(idp
      ? {
          DUO_API_URL: idp.config.duo.apiUrl,
          DUO_IKEY: idp.config.duo.ikey,
          DUO_SKEY: idp.config.duo.skey,
          DUO_AUTH_API_URL: idp.duoAuth.apiUrl,
          DUO_AUTH_IKEY: idp.duoAuth.ikey,
          DUO_AUTH_SKEY: idp.duoAuth.skey,
          OKTA_ORG_URL: idp.config.okta.orgUrl,
          OKTA_API_TOKEN: idp.config.okta.apiToken,
          ENTRA_TENANT_ID: idp.config.entra.tenantId,
          ENTRA_CLIENT_ID: idp.config.entra.clientId,
          ENTRA_CLIENT_SECRET: idp.config.entra.clientSecret,
          ENTRA_LOGIN_URL: idp.config.entra.loginUrl,
          GRAPH_API_URL: idp.config.entra.graphUrl,
        }
      : {}),
  };
}
