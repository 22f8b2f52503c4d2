import { afterEach, describe, expect, it } from 'vitest';
import { createCiiClient } from '../../src/cii/client.ts';
import { missingArgument } from '../../src/cii/missing-argument.ts';
import { createLogger } from '../../src/logger.ts';
import { startCiiSimulator, type CiiSimulator } from '../../sim/cii/server.ts';

describe('missingArgument', () => {
  it.each([
    [
      'graphql-js 17',
      'Argument "Query.getEndUserState(email:)" of type "String!" is required, but it was not provided.',
    ],
    [
      'graphql-js 16',
      'Field "getEndUserState" argument "email" of type "String!" is required, but it was not provided.',
    ],
    ['AppSync', "Validation error of type MissingFieldArgument: Missing field argument email @ 'getEndUserState'"],
    [
      'newer graphql-java',
      "Validation error (MissingFieldArgument@[getEndUserState]) : Missing field argument 'email'",
    ],
  ])('reads the argument name from %s wording', (_server, message) => {
    expect(missingArgument([{ message: 'Unknown argument "login"' }, { message }], 'getEndUserState')).toBe('email');
  });

  it('ignores other fields and other errors', () => {
    const other = 'Field "getEndUser" argument "email" of type "String!" is required, but it was not provided.';
    expect(missingArgument([{ message: other }, { message: 'End user not found' }], 'getEndUserState')).toBe(undefined);
  });
});

describe('getEndUserState against a CII whose argument is not called login', () => {
  let sim: CiiSimulator | undefined;
  afterEach(() => sim?.close());

  async function clientFor(options: Parameters<typeof startCiiSimulator>[0]) {
    sim = await startCiiSimulator(options);
    const logs: string[] = [];
    const cii = createCiiClient({
      tokenUrl: sim.tokenUrl,
      apiUrl: sim.apiUrl,
      clientId: sim.credentials.clientId,
      clientSecret: sim.credentials.clientSecret,
      logger: createLogger({ level: 'debug', write: (line) => logs.push(line) }),
    });
    return { cii, logs, sim };
  }

  it('asks with login, as CII’s schema says, when the tenant takes login', async () => {
    const { cii, sim } = await clientFor({});
    expect((await cii.getEndUserState('priya.raman@example.com')).displayName).toBe('Priya Raman');
    expect(sim.graphqlCalls('getEndUserState').map((c) => c.status)).toEqual([200]);
  });

  it('retries once with the argument CII asks for, remembers it, and logs it once', async () => {
    const { cii, logs, sim } = await clientFor({ endUserStateArgument: 'email' });
    expect((await cii.getEndUserState('priya.raman@example.com')).login).toBe('priya.raman@example.com');
    expect((await cii.getEndUserState('marcus.chen@example.com')).login).toBe('marcus.chen@example.com');
    expect(sim.graphqlCalls('getEndUserState').map((c) => c.status)).toEqual([400, 200, 200]);
    const warnings = logs.filter((line) => line.includes('requires another argument name'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"argument":"email"');
  });

  it('does not loop when the retry fails too', async () => {
    const { cii, sim } = await clientFor({ endUserStateArgument: 'email' });
    await expect(cii.getEndUserState('nobody@example.com')).rejects.toThrow(/not found/i);
    expect(sim.graphqlCalls('getEndUserState')).toHaveLength(2);
  });
});
