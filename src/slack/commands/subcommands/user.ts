import { isLogin, defineSubcommand, invalid, parsed } from '../subcommand.ts';
import { answerUser } from '../lookup-answers.ts';

export const user = defineSubcommand({
  name: 'user',
  usage: '/cii user <email-or-login>',
  description: 'Look a user up in CII: status, last sign-in, devices, accounts, groups.',
  example: '/cii user jane.doe@example.com',
  parse: (args) => {
    if (args.length === 0) return invalid('Give the email address or login of the user to look up.');
    if (args.length > 1) return invalid('Give exactly one email address or login.');
    const login = args[0]!;
    if (!isLogin(login)) return invalid(`\`${login}\` is not an email address or login.`);
    return parsed({ login });
  },
  answer: async ({ login }, { deps, context }) =>
    (await answerUser(deps, login, { shareable: true, viewer: context.userId })).message,
});
