import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeShare } from '../../src/slack/share.ts';
import { startStack, type Stack } from '../support/stack.ts';

const ANALYST = { userId: 'UANALYST', channelId: 'C0SOC' };

interface Message {
  text: string;
  blocks: Array<{ type: string; elements?: Array<{ text?: string; action_id?: string; value?: string }> }>;
}

describe('/cii user with CII_DEFAULT_EMAIL_DOMAIN', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { CII_DEFAULT_EMAIL_DOMAIN: 'example.com' } });
  });
  afterAll(() => stack.stop());

  test('finds a bare login under <login>@<domain> and says which login it found', async () => {
    const answer = await stack.driver.command('user ryan.patel', ANALYST);
    const card = JSON.parse(answer.body) as Message;
    expect(card.text).toContain('Ryan Patel');
    const note = card.blocks.find((b) => b.type === 'context');
    expect(note?.elements?.[0]?.text).toBe('CII has no user `ryan.patel`: found `ryan.patel@example.com` instead.');
    const share = card.blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'share_card');
    expect(decodeShare(share?.value ?? '')).toEqual({ kind: 'user', login: 'ryan.patel@example.com' });
    expect(stack.cii.graphqlCalls('getEndUser').map((c) => c.variables.login)).toEqual([
      'ryan.patel',
      'ryan.patel@example.com',
    ]);
  });

  test('names both logins when neither is a CII user', async () => {
    const answer = await stack.driver.command('user nobody.here', ANALYST);
    expect((JSON.parse(answer.body) as Message).text).toBe('CII has no user nobody.here nor nobody.here@example.com');
  });
});
