import type { KnownBlock, ModalView } from '@slack/types';
import { REASON_INPUT, VIEW_IDS } from './action-ids.ts';
import { humanize, statusMarker } from './format.ts';
import { clean, code, LIMITS, mrkdwn, plainText, truncate } from './limits.ts';

/** One provider account Block will act on, as the preview lists it. */
export interface BlockTargetView {
  label: string;
  providerUserId: string;
  login: string;
  status: string;
  effect: string;
}

/** What Block would do for the user (a structural copy of the response service's preview). */
export interface BlockPreviewView {
  login: string;
  displayName?: string;
  targets: readonly BlockTargetView[];
  untouched: readonly { label: string; why: 'no_account' | 'not_configured'; providerUserId?: string }[];
  groupNames: readonly string[];
  nonPersonType?: string;
  error?: string;
}

/** Admin-like group names, flagged in the preview: blocking such a user may lock out administration. */
const PRIVILEGED_GROUPS =
  /\b(admins?|administrators?|owners?|super ?users?|superadmins?|root|privileged|operators?|global admin\w*)\b/i;

/** The longest reason kept (the service stores at most this much). */
export const MAX_REASON = 500;
const SHOWN_GROUPS = 8;

const modalTitle = (text: string) => plainText(text, LIMITS.modalTitle);
const section = (text: string): KnownBlock => ({ type: 'section', text: mrkdwn(text) });

/** Ids only (never the alert's data): what the submission acts on, and where to answer. */
function metadata(ids: Record<string, string | undefined>): string {
  return truncate(JSON.stringify(ids), LIMITS.privateMetadata);
}

/** The optional reason input of every decision modal (the mute modal's too). */
export function reasonInput(placeholder: string, hint = 'Shown on the card and kept in the audit log.'): KnownBlock {
  return {
    type: 'input',
    block_id: REASON_INPUT.blockId,
    optional: true,
    label: plainText('Reason'),
    element: {
      type: 'plain_text_input',
      action_id: REASON_INPUT.actionId,
      multiline: true,
      max_length: MAX_REASON,
      placeholder: plainText(placeholder, 150),
    },
    hint: plainText(hint),
  };
}

const who = (p: { login: string; displayName?: string }) =>
  p.displayName?.trim() ? `*${clean(p.displayName, 100)}* (${code(p.login, 150)})` : `${code(p.login, 150)}`;

export interface ModalTarget {
  alertId: string;
  /** Where the card was clicked: answers after the submission go there, to the clicker alone. */
  channelId?: string;
  /** The clicked card's ts: the submission counts only as a click on that posted card. */
  messageTs?: string;
}

/** The Block modal's frame: the same callback and ids whatever it shows. */
function blockModal(target: ModalTarget, close: string, blocks: KnownBlock[], submit?: string): ModalView {
  return {
    type: 'modal',
    callback_id: VIEW_IDS.block,
    private_metadata: metadata({ alertId: target.alertId, channelId: target.channelId, messageTs: target.messageTs }),
    title: modalTitle('Block user'),
    ...(submit ? { submit: plainText(submit, LIMITS.modalTitle) } : {}),
    close: plainText(close, LIMITS.modalTitle),
    blocks,
  };
}

/** Opened at once on Block (the trigger_id lasts seconds); replaced by the preview when it is ready. */
export function blockLoadingModal(target: ModalTarget & { login: string }): ModalView {
  return blockModal(target, 'Cancel', [section(`⏳ Reading what Block would do for ${code(target.login, 150)}…`)]);
}

function untouchedLine(u: BlockPreviewView['untouched'][number]): string {
  const why =
    u.why === 'no_account'
      ? `no account there`
      : `provider not configured in this app${u.providerUserId ? ` (account ${code(u.providerUserId, 100)})` : ''}`;
  return `• ${clean(humanize(u.label), 40)}: ${why}`;
}

/** The blast radius of Block, before anything happens: submitting acts, closing does nothing. */
export function blockPreviewModal(target: ModalTarget, preview: BlockPreviewView): ModalView {
  const blocks: KnownBlock[] = [section(`Block ${who(preview)}?`)];
  const canBlock = preview.targets.length > 0 || preview.error !== undefined;
  if (preview.error) {
    blocks.push(
      section(
        `⚠️ Could not read the user’s accounts from CII: ${clean(preview.error, 300)}. Block reads them again when you submit; if CII still cannot answer, nothing is done.`,
      ),
    );
  } else if (preview.targets.length > 0) {
    const lines = preview.targets.map(
      (t) =>
        `• *${clean(t.label, 40)}* ${code(t.login || t.providerUserId, 100)} (${statusMarker(t.status)} now): ${clean(t.effect, 150)}`,
    );
    blocks.push(section(['*Will be blocked*', ...lines].join('\n')));
  } else {
    blocks.push(section('Nothing to block: CII lists no account of this user in a provider this app can act on.'));
  }
  if (preview.untouched.length > 0) {
    blocks.push(section(['*Not touched*', ...preview.untouched.map(untouchedLine)].join('\n')));
  }
  const privileged = preview.groupNames.filter((g) => PRIVILEGED_GROUPS.test(g));
  if (privileged.length > 0) {
    const shown = privileged.slice(0, SHOWN_GROUPS).map((g) => clean(g, 80));
    const more = privileged.length > SHOWN_GROUPS ? ` and ${privileged.length - SHOWN_GROUPS} more` : '';
    blocks.push(
      section(
        `⚠️ *Privileged groups:* ${shown.join(', ')}${more}. Blocking this user may lock out the administration they do.`,
      ),
    );
  }
  if (preview.nonPersonType) {
    blocks.push(
      section(
        `⚠️ *${clean(humanize(preview.nonPersonType), 60)}*, not one person’s account: blocking it may stop the systems or people that use it.`,
      ),
    );
  }
  if (canBlock) blocks.push(reasonInput('e.g. sign-in from an unknown country, confirmed with the user'));
  return canBlock ? blockModal(target, 'Cancel', blocks, 'Block') : blockModal(target, 'Close', blocks);
}

/** Shown in place of the preview when the alert cannot be blocked any more (decided meanwhile, or refused). */
export function blockUnavailableModal(target: ModalTarget, answer: readonly KnownBlock[]): ModalView {
  return blockModal(target, 'Close', [...answer]);
}

/** Approve asks for confirmation, with an optional reason the card then shows. */
export function approveModal(target: ModalTarget & { login: string; displayName?: string }): ModalView {
  return {
    type: 'modal',
    callback_id: VIEW_IDS.approve,
    private_metadata: metadata({ alertId: target.alertId, channelId: target.channelId, messageTs: target.messageTs }),
    title: modalTitle('Approve alert'),
    submit: plainText('Approve', LIMITS.modalTitle),
    close: plainText('Cancel', LIMITS.modalTitle),
    blocks: [
      section(
        `Approve the alert about ${who(target)}? Nothing is done to the user; the card says who approved it and why, and a responder can reopen it.`,
      ),
      reasonInput('e.g. travel confirmed with the user'),
    ],
  };
}

/** Approve all open, from a summary card: every open alert of the finding, with one reason. */
export function approveAllModal(target: {
  findingId: string;
  channelId?: string;
  /** The summary card's ts: the submission counts only from a posted copy of that finding's summary. */
  messageTs?: string;
  title: string;
  open: number;
}): ModalView {
  const alerts = `${target.open} open alert${target.open === 1 ? '' : 's'}`;
  return {
    type: 'modal',
    callback_id: VIEW_IDS.approveAll,
    private_metadata: metadata({
      findingId: target.findingId,
      channelId: target.channelId,
      messageTs: target.messageTs,
    }),
    title: modalTitle('Approve all open'),
    submit: plainText(`Approve ${target.open}`, LIMITS.modalTitle),
    close: plainText('Cancel', LIMITS.modalTitle),
    blocks: [
      section(
        `Approve the *${alerts}* of *${clean(target.title, 200)}*? Nothing is done to the users; alerts already decided, and any about your own account, are left as they are. Each card can be reopened.`,
      ),
      reasonInput('e.g. known VPN change, expected for everyone'),
    ],
  };
}

/** The ids a decision modal carries, read back from a submission; undefined when they are not ours. */
export function readModalMetadata(privateMetadata: string | undefined): Record<string, string> | undefined {
  try {
    const parsed = JSON.parse(privateMetadata ?? '') as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return undefined;
  }
}
