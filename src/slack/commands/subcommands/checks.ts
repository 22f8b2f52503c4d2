import { CHECK_ACTIVITY_DAYS } from '../../../services/checks.ts';
import { problemMessage } from '../../problem.ts';
import { checksList } from '../../views/checks-list.ts';
import { defineSubcommand, invalid, parsed } from '../subcommand.ts';

export const checks = defineSubcommand({
  name: 'checks',
  usage: '/cii checks',
  description: 'List the CII checks this app knows, with how many findings each produced in the last 7 days.',
  example: '/cii checks',
  parse: (args) => (args.length > 0 ? invalid('`/cii checks` takes no argument.') : parsed({})),
  answer: async (_args, { deps }) => {
    try {
      return checksList({ checks: await deps.checks.list(), days: CHECK_ACTIVITY_DAYS });
    } catch (err) {
      return problemMessage(err, { logger: deps.logger, action: 'checks' });
    }
  },
});
