import { randomUUID } from 'node:crypto';
import type { FindingRecord, NewAlert, PlannedDelivery } from '../../src/store/types.ts';

const T0 = Date.UTC(2026, 0, 1);

export function alertFor(findingId: string, login: string, overrides: Partial<NewAlert> = {}): NewAlert {
  return {
    id: randomUUID(),
    findingId,
    envelopeId: `env-${findingId}`,
    checkId: 'no-mfa',
    title: 'No MFA Configured',
    severity: 'high',
    severityLabel: 'high',
    login,
    description: ['User has no MFA'],
    recommendedActions: ['Enrol a factor'],
    published: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A finding whose new alerts each get one card in each channel, or a thread under a summary when `threaded`. */
export function record(
  envelopeId: string,
  findingId: string,
  logins: string[],
  options: { channels?: string[]; threaded?: boolean; subscriptionId?: number; receivedAt?: number } = {},
): FindingRecord & { planned: NewAlert[][] } {
  const planned: NewAlert[][] = [];
  return {
    envelopeId,
    findingId,
    receivedAt: options.receivedAt ?? T0,
    alerts: logins.map((login) => alertFor(findingId, login, { envelopeId })),
    planned,
    planDeliveries(created) {
      planned.push(created);
      return (options.channels ?? ['C1']).flatMap((channelId): PlannedDelivery[] =>
        options.threaded
          ? [
              {
                kind: 'summary',
                channelId,
                subscriptionId: options.subscriptionId,
                childAlertIds: created.map((a) => a.id),
              },
            ]
          : created.map((a) => ({ kind: 'alert', alertId: a.id, channelId, subscriptionId: options.subscriptionId })),
      );
    },
  };
}
