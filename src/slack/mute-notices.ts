import type { Logger } from '../logger.ts';
import { durationWords, type Mute, type MuteNotices } from '../services/mutes.ts';
import { replyInThreads } from './thread-replies.ts';
import { muteNotice, unmuteNotice, type MuteView } from './views/mutes.ts';
import type { SlackWebApi } from './web-api.ts';

export function muteView(mute: Mute): MuteView {
  return { ...mute, createdAt: new Date(mute.createdAt), expiresAt: new Date(mute.expiresAt) };
}

/** Mutes and their lifting, told in the thread of every posted copy of the card they came from. */
export function createMuteNotices(deps: { slack: Pick<SlackWebApi, 'postMessage'>; logger: Logger }): MuteNotices {
  return {
    muted: (copies, mute, duration) =>
      replyInThreads(
        deps,
        copies,
        mute.alertId ?? '',
        muteNotice(muteView(mute), { value: duration, words: durationWords(duration) }),
      ),
    unmuted: (copies, mute) =>
      replyInThreads(deps, copies, mute.alertId ?? '', unmuteNotice(muteView(mute), mute.liftedBy ?? 'unknown')),
  };
}
