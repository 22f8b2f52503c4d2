import { normalizeSeverity, type Severity } from '../../../alerts/finding.ts';
import { BACKLOG_DAYS } from '../../../services/alerts/accounting.ts';
import { errorMessage } from '../../views/error-message.ts';
import { subscriptionResult } from '../../views/subscription-result.ts';
import { defineSubcommand, invalid, parsed } from '../subcommand.ts';
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
  answer: ({ checkIds, minSeverity }, call) =>
    adminsOnly('subscribe', call, async (deps, context) => {
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
      });
      const subscription = result.created ? result.subscription : result.existing;
      const backlog = { count: await deps.accounting.backlogOf(subscription), days: BACKLOG_DAYS };
      return result.created
        ? subscriptionResult({ kind: 'subscribed', subscription: summary(subscription), backlog })
        : subscriptionResult({
            kind: 'already_subscribed',
            subscription: summary(subscription),
            repaired: result.repaired,
            backlog,
          });
    }),
});
