import type { KnownBlock, ModalView, StaticSelect } from '@slack/types';
import { ACTION_IDS, VIEW_IDS } from './action-ids.ts';
import { MAX_REASON, reasonInput } from './decision-modals.ts';
import { formatRelative, formatUtc } from './format.ts';
import { buildMessage, clean, code, LIMITS, mrkdwn, plainText, truncate, type SlackMessage } from './limits.ts';
import { channelMention, userMention } from './links.ts';

/** A mute as the views show it (a structural copy of the store's). */
export interface MuteView {
  id: number;
  checkId: string;
  login: string;
  title: string;
  displayName?: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  reason?: string;
  channelId?: string;
}

/** The durations the menu offers: value and words ("7 days"), as the mute service defines them. */
export interface MuteChoice {
  value: string;
  words: string;
}

/** Mutes listed one per section (each with its Unmute button), within a message's 50 blocks. */
const SHOWN_MUTES = 45;

const who = (m: { login: string; displayName?: string }) =>
  m.displayName?.trim() ? `${clean(m.displayName, 80)} (${code(m.login, 150)})` : code(m.login, 150);
const whoPlain = (m: { login: string; displayName?: string }) => m.displayName?.trim() || m.login;

/** The card's **Mute** menu: each option's value is `<duration>:<alert id>`. */
export function muteMenu(alertId: string, choices: readonly MuteChoice[]): StaticSelect {
  return {
    type: 'static_select',
    action_id: ACTION_IDS.alertMute,
    placeholder: plainText('Mute', 150),
    options: choices.map((c) => ({
      text: plainText(`Mute for ${c.words}`, LIMITS.buttonText),
      value: `${c.value}:${alertId}`,
    })),
  };
}

export interface MuteModalInput {
  alertId: string;
  checkId: string;
  title: string;
  login: string;
  displayName?: string;
  duration: MuteChoice;
  until: Date;
  channelId?: string;
  messageTs?: string;
}

/** Asks for an optional reason before muting; carries ids and the duration only. */
export function muteModal(input: MuteModalInput): ModalView {
  const metadata = JSON.stringify({
    alertId: input.alertId,
    duration: input.duration.value,
    ...(input.channelId ? { channelId: input.channelId } : {}),
    ...(input.messageTs ? { messageTs: input.messageTs } : {}),
  });
  return {
    type: 'modal',
    callback_id: VIEW_IDS.mute,
    private_metadata: truncate(metadata, LIMITS.privateMetadata),
    title: plainText('Mute check', LIMITS.modalTitle),
    submit: plainText('Mute', LIMITS.modalTitle),
    close: plainText('Cancel', LIMITS.modalTitle),
    blocks: [
      {
        type: 'section',
        text: mrkdwn(
          `Mute *${clean(input.title, 150)}* (${code(input.checkId, 80)}) for ${who(input)} for *${clean(input.duration.words, 20)}*, until ${formatUtc(input.until)}?`,
        ),
      },
      {
        type: 'context',
        elements: [
          mrkdwn(
            'New findings of this check about this user are kept and counted in `/cii status`, not posted. Other checks and other users are not affected. The mute is announced in the card’s thread and can be lifted from `/cii mutes`.',
          ),
        ],
      },
      reasonInput(
        'e.g. travelling this week, confirmed with her manager',
        'Shown in the thread, in /cii mutes and in the audit log.',
      ),
    ],
  };
}

/** "<@x> muted Impossible Travel for Mia Wong for 7 days: travelling", in the card's thread. */
export function muteNotice(mute: MuteView, duration: MuteChoice): SlackMessage {
  const reason = mute.reason ? `: ${clean(mute.reason, MAX_REASON + 20)}` : '';
  return buildMessage(
    `${mute.title} muted for ${whoPlain(mute)} for ${duration.words}${mute.reason ? `: ${mute.reason}` : ''}`,
    [
      {
        type: 'section',
        text: mrkdwn(
          `🔇 ${userMention(mute.createdBy)} muted *${clean(mute.title, 150)}* for ${who(mute)} for ${clean(duration.words, 20)}${reason}`,
        ),
      },
      {
        type: 'context',
        elements: [
          mrkdwn(
            `Until ${formatUtc(mute.expiresAt)}: new findings of this check about this user are counted, not posted. Lift it with \`/cii mutes\`.`,
          ),
        ],
      },
    ],
  );
}

/** In the thread of the card a mute came from, when it is lifted before its end. */
export function unmuteNotice(mute: MuteView, by: string): SlackMessage {
  return buildMessage(`Mute of ${mute.title} for ${whoPlain(mute)} lifted`, [
    {
      type: 'section',
      text: mrkdwn(
        `🔔 ${userMention(by)} lifted the mute of *${clean(mute.title, 150)}* for ${who(mute)} (set to end ${formatUtc(mute.expiresAt)}): new findings are posted again.`,
      ),
    },
  ]);
}

function muteSection(mute: MuteView, now: Date): KnownBlock {
  const lines = [
    `🔇 *${clean(mute.title, 150)}* (${code(mute.checkId, 80)}) for ${who(mute)}`,
    `until ${formatUtc(mute.expiresAt)} · muted by ${userMention(mute.createdBy)}${mute.channelId ? ` in ${channelMention(mute.channelId)}` : ''} ${formatRelative(mute.createdAt, now)}`,
    mute.reason ? `> ${clean(mute.reason, MAX_REASON + 20)}` : '_no reason given_',
  ];
  return {
    type: 'section',
    text: mrkdwn(lines.join('\n')),
    accessory: {
      type: 'button',
      action_id: ACTION_IDS.unmute,
      text: plainText('Unmute'),
      value: String(mute.id),
      confirm: {
        title: plainText('Lift this mute?', LIMITS.confirmTitle),
        text: plainText(
          `New findings of ${truncate(mute.title, 80)} about ${truncate(whoPlain(mute), 80)} are posted again.`,
          LIMITS.confirmText,
        ),
        confirm: plainText('Unmute', LIMITS.confirmButton),
        deny: plainText('Cancel', LIMITS.confirmButton),
      },
    },
  };
}

/** `/cii mutes`: who muted what for whom, until when and why, each with Unmute; `note` says what just changed. */
export function mutesList(input: { now: Date; mutes: readonly MuteView[]; note?: string }): SlackMessage {
  const note: KnownBlock[] = input.note ? [{ type: 'context', elements: [mrkdwn(input.note)] }] : [];
  if (input.mutes.length === 0) {
    return buildMessage('No check is muted', [
      ...note,
      {
        type: 'section',
        text: mrkdwn(
          'No check is muted: every finding is posted where its subscriptions say. Mute one from an alert card’s *Mute* menu.',
        ),
      },
    ]);
  }
  const count = `${input.mutes.length} mute${input.mutes.length === 1 ? '' : 's'} in force`;
  const hidden = input.mutes.length - SHOWN_MUTES;
  return buildMessage(count, [
    ...note,
    { type: 'header', text: plainText(`Muted checks (${input.mutes.length})`, LIMITS.header) },
    ...input.mutes.slice(0, SHOWN_MUTES).map((m) => muteSection(m, input.now)),
    ...(hidden > 0
      ? [{ type: 'context', elements: [mrkdwn(`+${hidden} more, ending later.`)] } satisfies KnownBlock]
      : []),
  ]);
}

/** The cards a new mute stopped before they were posted, as a sentence (empty when none). */
function withdrawnWords(withdrawn: number): string {
  if (withdrawn === 0) return '';
  return withdrawn === 1
    ? ' 1 card of it waiting to be posted was withdrawn.'
    : ` ${withdrawn} cards of it waiting to be posted were withdrawn.`;
}

/** What the submitter of the mute modal alone is told. */
export function muteAnswer(
  result: { kind: 'muted'; mute: MuteView; withdrawn: number } | { kind: 'already'; mute: MuteView },
  now: Date,
): SlackMessage {
  const { mute } = result;
  const what = `*${clean(mute.title, 150)}* for ${who(mute)}`;
  const text =
    result.kind === 'muted'
      ? `🔇 Muted ${what} until ${formatUtc(mute.expiresAt)}; the card’s thread says so.${withdrawnWords(result.withdrawn)} Lift it with \`/cii mutes\`.`
      : `ℹ️ ${what} is already muted until ${formatUtc(mute.expiresAt)} (${formatRelative(mute.expiresAt, now)}), by ${userMention(mute.createdBy)}. Lift it from \`/cii mutes\` to set another.`;
  return buildMessage(result.kind === 'muted' ? `Muted ${mute.title}` : `${mute.title} is already muted`, [
    { type: 'section', text: mrkdwn(text) },
  ]);
}
