import type { KnownBlock, ModalView } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { checkView } from '../../../sim/slack/block-rules.ts';
import {
  approveAllModal,
  approveModal,
  blockLoadingModal,
  blockPreviewModal,
  readModalMetadata,
  type BlockPreviewView,
} from '../../../src/slack/views/decision-modals.ts';
import { textObjects } from './slack-limits.ts';

const target = { alertId: 'al_1', channelId: 'C0SOC' };
const textOf = (view: ModalView) =>
  textObjects(view.blocks as KnownBlock[])
    .map((t) => t.text)
    .join('\n');

const duo = {
  label: 'Duo',
  providerUserId: 'DU1',
  login: 'mia.johansson',
  status: 'ACTIVE',
  effect: 'status set to disabled',
};
const entra = {
  label: 'Entra ID',
  providerUserId: '6a1f',
  login: 'mia.johansson@example.com',
  status: 'ACTIVE',
  effect: 'account disabled, sign-in sessions revoked',
};
const preview = (overrides: Partial<BlockPreviewView> = {}): BlockPreviewView => ({
  login: 'mia.johansson@example.com',
  displayName: 'Mia Johansson',
  targets: [duo, entra],
  untouched: [{ label: 'Okta', why: 'no_account' }],
  groupNames: ['All Employees', 'Finance'],
  ...overrides,
});

describe('Block preview modal', () => {
  it('lists each account Block acts on and how, and the provider it leaves alone for want of an account', () => {
    const view = blockPreviewModal(target, preview());
    const text = textOf(view);
    expect(text).toContain('Block *Mia Johansson* (`mia.johansson@example.com`)?');
    expect(text).toContain('*Will be blocked*');
    expect(text).toContain('• *Duo* `mia.johansson` (✅ Active now): status set to disabled');
    expect(text).toContain(
      '• *Entra ID* `mia.johansson@example.com` (✅ Active now): account disabled, sign-in sessions revoked',
    );
    expect(text).toContain('*Not touched*\n• Okta: no account there');
    expect(text).not.toMatch(/Okta.*suspended/);
    expect(text).not.toContain('Privileged');
    expect(view).toMatchObject({
      callback_id: 'alert_block_modal',
      submit: { text: 'Block' },
      close: { text: 'Cancel' },
    });
    expect(readModalMetadata(view.private_metadata)).toEqual(target);
    expect(checkView(view)).toEqual([]);
  });

  it('says when a provider is not configured in this app, flags privileged groups and non-person accounts', () => {
    const text = textOf(
      blockPreviewModal(
        target,
        preview({
          targets: [duo],
          untouched: [{ label: 'Entra ID', why: 'not_configured', providerUserId: '6a1f' }],
          groupNames: ['All Employees', 'Okta Super Admins', 'Domain Administrators'],
          nonPersonType: 'SERVICE_ACCOUNT',
        }),
      ),
    );
    expect(text).toContain('• Entra ID: provider not configured in this app (account `6a1f`)');
    expect(text).toContain('⚠️ *Privileged groups:* Okta Super Admins, Domain Administrators.');
    expect(text).toContain('⚠️ *Service account*, not one person’s account');
  });

  it('offers no Block when nothing would be acted on, and warns but lets Block try when CII could not be read', () => {
    const nothing = blockPreviewModal(
      target,
      preview({ targets: [], untouched: [{ label: 'Duo', why: 'no_account' }] }),
    );
    expect(textOf(nothing)).toContain('Nothing to block');
    expect(nothing.submit).toBeUndefined();
    expect(nothing.blocks.some((b) => b.type === 'input')).toBe(false);
    expect(checkView(nothing)).toEqual([]);
    const down = blockPreviewModal(
      target,
      preview({ targets: [], untouched: [], error: 'CII is unreachable or too slow right now' }),
    );
    expect(textOf(down)).toContain('Could not read the user’s accounts from CII: CII is unreachable');
    expect(down.submit).toMatchObject({ text: 'Block' });
  });

  it('stays within Slack’s limits with absurd input', () => {
    const long = '<&>'.repeat(3000);
    const many = Array.from({ length: 200 }, () => ({ ...duo, login: long, effect: long, status: long }));
    const view = blockPreviewModal(
      { alertId: long, channelId: long },
      preview({
        login: long,
        displayName: long,
        targets: many,
        untouched: Array.from({ length: 200 }, () => ({
          label: long,
          why: 'not_configured' as const,
          providerUserId: long,
        })),
        groupNames: Array.from({ length: 500 }, () => `admins ${long}`),
        nonPersonType: long,
        error: long,
      }),
    );
    expect(checkView(view)).toEqual([]);
    expect(checkView(blockLoadingModal({ ...target, login: long }))).toEqual([]);
  });
});

describe('Approve modals', () => {
  it('asks to confirm an approval with an optional reason, carrying only ids', () => {
    const view = approveModal({ ...target, login: 'grace.kim@example.com', displayName: 'Grace Kim' });
    expect(textOf(view)).toContain('Approve the alert about *Grace Kim* (`grace.kim@example.com`)?');
    expect(view.blocks.find((b) => b.type === 'input')).toMatchObject({
      block_id: 'reason',
      optional: true,
      element: { action_id: 'reason_text', max_length: 500 },
    });
    expect(readModalMetadata(view.private_metadata)).toEqual(target);
    expect(checkView(view)).toEqual([]);
  });

  it('says how many open alerts Approve all open approves', () => {
    const view = approveAllModal({ findingId: 'f1', channelId: 'C0SOC', title: 'Impossible Travel', open: 5 });
    expect(textOf(view)).toContain('Approve the *5 open alerts* of *Impossible Travel*?');
    expect(view.submit).toMatchObject({ text: 'Approve 5' });
    expect(readModalMetadata(view.private_metadata)).toEqual({ findingId: 'f1', channelId: 'C0SOC' });
    expect(checkView(view)).toEqual([]);
  });

  it('reads no ids from metadata that is not ours', () => {
    expect(readModalMetadata('not json')).toBeUndefined();
    expect(readModalMetadata('[1]')).toBeUndefined();
    expect(readModalMetadata('{"alertId":"a","n":1}')).toEqual({ alertId: 'a' });
  });
});
