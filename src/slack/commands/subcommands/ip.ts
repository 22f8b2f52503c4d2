import { isIP } from 'node:net';
import { defineSubcommand, invalid, parsed } from '../subcommand.ts';
import { answerIp } from '../lookup-answers.ts';

export const ip = defineSubcommand({
  name: 'ip',
  usage: '/cii ip <IPv4|IPv6>',
  description: 'List the users CII has seen on an IP address.',
  example: '/cii ip 203.0.113.7',
  parse: (args) => {
    if (args.length !== 1) return invalid('Give exactly one IPv4 or IPv6 address.');
    const address = args[0]!.replace(/^\[(.*)\]$/, '$1');
    if (isIP(address) === 0) return invalid(`\`${args[0]}\` is not an IPv4 or IPv6 address.`);
    return parsed({ ip: address });
  },
  answer: async ({ ip: address }, { deps }) => (await answerIp(deps, address)).message,
});
