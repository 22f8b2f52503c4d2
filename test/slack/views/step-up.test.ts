import { describe, expect, it } from 'vitest';
import {
  stepUpResultMessage,
  stepUpResultModal,
  stepUpWaitingMessage,
  stepUpWaitingModal,
} from '../../../src/slack/views/step-up.ts';

const BLOCK = { title: 'Block user', action: 'Block' };
const text = (v: unknown) => JSON.stringify(v);

describe('step-up views', () => {
  it('the waiting modal keeps the decision’s title, offers only Close and says to approve the push', () => {
    const view = stepUpWaitingModal(BLOCK);
    expect(view.title.text).toBe('Block user');
    expect(view).not.toHaveProperty('submit');
    expect(view).not.toHaveProperty('callback_id');
    expect(view.close?.text).toBe('Close');
    expect(text(view.blocks)).toContain('Approve the Duo Push on your phone…');
    expect(text(view.blocks)).toContain('*Block* goes ahead only once you approve it');
  });

  it('the result says plainly whether the decision went ahead, naming whom it is about', () => {
    const about = { ...BLOCK, about: 'mia.johansson@example.com' };
    expect(text(stepUpResultModal(about, { kind: 'approved', username: 'daniel' }).blocks)).toContain(
      '✅ Duo Push approved. *Block* of mia.johansson@example.com is going ahead',
    );
    expect(text(stepUpResultModal(about, { kind: 'denied', message: 'the Duo Push was denied' }).blocks)).toContain(
      '❌ *Block* of mia.johansson@example.com was *not done*: the Duo Push was denied. Nothing was changed.',
    );
    expect(stepUpResultMessage(about, { kind: 'timeout', message: 'the Duo Push timed out' }).text).toBe(
      'Block of mia.johansson@example.com was not done: the Duo Push timed out',
    );
    expect(stepUpWaitingMessage(about).text).toBe(
      'Approve the Duo Push on your phone: Block of mia.johansson@example.com waits for it',
    );
  });

  it('text from outside is escaped: no mentions or links slip into the modal', () => {
    const view = stepUpResultModal(
      { ...BLOCK, about: '<!channel> <https://evil|x>' },
      { kind: 'failed', message: 'Duo answered HTTP 500: <@U123>' },
    );
    expect(text(view.blocks)).not.toContain('<!channel>');
    expect(text(view.blocks)).not.toContain('<@U123>');
  });

  it('a refusal before any push is shown as its own blocks', () => {
    const blocks = [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: '⛔ Only CII responders' } }];
    expect(stepUpResultModal(BLOCK, blocks).blocks).toEqual(blocks);
  });
});
