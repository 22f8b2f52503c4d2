import { didYouMean, helpMessage, subcommandHelp } from '../../views/help.ts';
import { defineSubcommand, invalid, parsed } from '../subcommand.ts';

export const help = defineSubcommand({
  name: 'help',
  usage: '/cii help',
  description: 'Show this help; add a subcommand’s name for its usage and an example.',
  example: '/cii help user',
  parse: (args): ReturnType<typeof parsed<{ topic?: string; unknown?: string; suggestion?: string }>> => {
    if (args.length > 1) return invalid('Name at most one subcommand.');
    return parsed(args[0] === undefined ? {} : { topic: args[0].toLowerCase() });
  },
  answer: ({ topic, unknown, suggestion }, { subcommands }) => {
    const one = subcommands.find((s) => s.name === topic);
    if (one) return Promise.resolve(subcommandHelp(one));
    if (unknown !== undefined && suggestion !== undefined) return Promise.resolve(didYouMean({ unknown, suggestion }));
    const asked = unknown ?? topic;
    return Promise.resolve(helpMessage({ subcommands, ...(asked !== undefined ? { unknown: asked } : {}) }));
  },
});
