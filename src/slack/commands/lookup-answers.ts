import type { Logger } from '../../logger.ts';
import type { LookupService } from '../../services/lookup.ts';
import { encodeShare } from '../share.ts';
import { problemMessage } from '../problem.ts';
import type { SlackMessage } from '../views/limits.ts';
import { ipCard } from '../views/ip-card.ts';
import { userCard } from '../views/user-card.ts';

export interface LookupAnswerDeps {
  lookup: LookupService;
  logger: Logger;
  now: () => Date;
}

/** Ephemeral answers carry a Share button; a shared copy names who shared it instead. */
export type Presentation = { shareable: true } | { shareable: false; sharedBy: string };
const EPHEMERAL: Presentation = { shareable: true };

/** A card (`found`), or the words for why there is none: only a card may be shared in a channel. */
export interface LookupAnswer {
  found: boolean;
  message: SlackMessage;
}

/** `/cii user`, and its card shared in a channel. Never throws. */
export async function answerUser(
  deps: LookupAnswerDeps,
  login: string,
  as: Presentation = EPHEMERAL,
): Promise<LookupAnswer> {
  try {
    const found = await deps.lookup.user(login);
    const shared = found.foundAs ?? login;
    const message = userCard({
      user: found.user,
      state: found.state,
      fetchedAt: found.fetchedAt,
      now: deps.now(),
      ...(found.foundAs === undefined ? {} : { askedFor: login }),
      ...(as.shareable
        ? { share: { value: encodeShare({ kind: 'user', login: shared }) } }
        : { sharedBy: as.sharedBy }),
    });
    return { found: true, message };
  } catch (err) {
    return { found: false, message: problemMessage(err, { login, logger: deps.logger, action: 'user lookup' }) };
  }
}

/** `/cii ip`, and its card shared in a channel. Never throws. */
export async function answerIp(
  deps: LookupAnswerDeps,
  ip: string,
  as: Presentation = EPHEMERAL,
): Promise<LookupAnswer> {
  try {
    const found = await deps.lookup.usersByIp(ip);
    const message = ipCard({
      ip,
      result: found.result,
      fetchedAt: found.fetchedAt,
      now: deps.now(),
      ...(as.shareable ? { share: { value: encodeShare({ kind: 'ip', ip }) } } : { sharedBy: as.sharedBy }),
    });
    return { found: true, message };
  } catch (err) {
    return { found: false, message: problemMessage(err, { logger: deps.logger, action: 'IP lookup' }) };
  }
}
