import { normalizeSeverity, type Severity } from '../../../alerts/finding.ts';
import { BACKLOG_DAYS } from '../../../services/alerts/accounting.ts';
import { errorMessage } from '../../views/error-message.ts';
import type { SlackMessage } from '../../views/limits.ts';
import { unknownChecks } from '../../views/unknown-checks.ts';
import { subscriptionResult } from '../../views/subscription-result.ts';
import { type AnswerCall, defineSubcommand, invalid, parsed } from '../subcommand.ts';
import { adminsOnly, summary } from '../subscription-access.ts';

const CHECK_ID = /^[a-z0-9][a-z0-9-]{0,127}$/;

export const subscribe = defineSubcommand({
  name: 'subscribe',
  usage: '/cii subscribe [<check-id> ...] [severity:<low|medium|high|critical>]',
  description: 'Post CII alerts in this channel: all checks or the ones listed, from a minimum severity.',
  example: '/cii subscribe no-mfa impossible-travel severity:high',
  parse: (args) => {
    let minSeverity: Severity = 'low';
    let severitySeen = false;
    const checkIds = new Set<string>();
    for (const arg of args) {
      const sev = /^severity:(.*)$/i.exec(arg);
      if (sev) {
        const given = normalizeSeverity(sev[1] ?? '');
        if (!given) return invalid(`\`${sev[1]}\` is not a severity: use low, medium, high or critical.`);
        if (severitySeen) return invalid('Give `severity:` once.');
        severitySeen = true;
        minSeverity = given;
      } else if (CHECK_ID.test(arg.toLowerCase())) {
        checkIds.add(arg.toLowerCase());
      } else {
        return invalid(`\`${arg}\` is not a check id (check ids look like \`no-mfa\`).`);
      }
    }
    return parsed({ checkIds: [...checkIds].sort(), minSeverity });
  },
  answer: (filter, call) => subscribeChannel(filter, call, { anyway: false }),
});

/**
 * Subscribes the caller's channel (admins only). A check id that is neither in the catalogue nor ever received
 * stores nothing: the answer offers the closest known ids and **Subscribe anyway** (`anyway` is that click).
 */
export function subscribeChannel(
  { checkIds, minSeverity }: { checkIds: string[]; minSeverity: Severity },
  call: AnswerCall,
  options: { anyway: boolean },
): Promise<SlackMessage> {
  return adminsOnly('subscribe', call, async (deps, context) => {
    if (!options.anyway) {
      const unknown = await deps.checks.unknown(checkIds);
      if (unknown.length > 0) return unknownChecks({ checkIds, minSeverity, unknown });
    }
    const ready = await deps.channels.ensureCanPost(context.channelId);
    if (!ready.ok) return errorMessage({ kind: 'forbidden', message: ready.reason });
    const result = await deps.subscriptions.subscribe({
      channelId: context.channelId,
      checkIds,
      minSeverity,
      userId: context.userId,
    });
    deps.logger.info('subscription', {
      channelId: context.channelId,
      userId: context.userId,
      created: result.created,
      repaired: result.repaired,
      waitingFindings: result.waitingFindings,
      anyway: options.anyway,
    });
    const subscription = result.created ? result.subscription : result.existing;
    const backlog = { count: await deps.accounting.backlogOf(subscription), days: BACKLOG_DAYS };
    const repair = result.repaired ? { repair: { waitingFindings: result.waitingFindings } } : {};
    return result.created
      ? subscriptionResult({ kind: 'subscribed', subscription: summary(subscription), backlog, ...repair })
      : subscriptionResult({
          kind: 'already_subscribed',
          subscription: summary(subscription),
          repaired: result.repaired,
          backlog,
          ...repair,
        });
  });
}
