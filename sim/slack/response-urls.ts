import { checkBlocks, isMessageTooLong } from './block-rules.ts';
import type { FakeMessage, Json, Workspace } from './workspace.ts';

/** Where a response_url came from: the channel, and the ts of a (non-ephemeral) message it may replace. */
export interface ResponseUrlSource {
  channel?: string;
  ts?: string;
}

interface Issued extends ResponseUrlSource {
  uses: number;
}

export interface ResponseAnswer {
  status: number;
  body: string;
}

/** Slack allows 5 uses of a response_url. */
const MAX_USES = 5;

export interface ResponseUrls {
  issue(source?: ResponseUrlSource): string;
  /** Applies a JSON post to a response_url the way Slack does; answers like Slack (200 `ok`, 404, 400). */
  post(id: string, payload: Json): ResponseAnswer;
  clear(): void;
}

export function createResponseUrls(ws: Workspace): ResponseUrls {
  const issued = new Map<string, Issued>();

  function sourceMessage(src: Issued): FakeMessage | undefined {
    if (src.channel === undefined || src.ts === undefined) return undefined;
    return ws.messages.get(src.channel)?.find((m) => m.ts === src.ts);
  }

  return {
    issue(source = {}) {
      const id = ws.nextId('R');
      issued.set(id, { ...source, uses: 0 });
      return id;
    },
    post(id, payload) {
      const src = issued.get(id);
      if (src === undefined) return { status: 404, body: 'expired_url' };
      if (src.uses >= MAX_USES) return { status: 404, body: 'used_url' };
      src.uses += 1;
      const { blocks } = payload;
      if (blocks !== undefined) {
        if (checkBlocks(blocks).length > 0) return { status: 400, body: 'invalid_blocks' };
        if (isMessageTooLong(blocks)) return { status: 400, body: 'msg_blocks_too_long' };
      }
      const text = typeof payload.text === 'string' ? payload.text : '';
      const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
      const deleting = payload.delete_original === true;
      if (!deleting && text === '' && !hasBlocks) return { status: 400, body: 'no_text' };

      const original = sourceMessage(src);
      if (deleting) {
        if (original !== undefined) {
          const msgs = ws.messages.get(original.channel) ?? [];
          msgs.splice(msgs.indexOf(original), 1);
        }
      } else if (payload.replace_original === true && original !== undefined) {
        original.text = text;
        original.blocks = hasBlocks ? (blocks as Json[]) : undefined;
        original.edited = { user: ws.seed.botUserId, ts: ws.nextTs() };
      } else if (payload.response_type === 'in_channel' && src.channel !== undefined) {
        const msgs = ws.messages.get(src.channel) ?? [];
        ws.messages.set(src.channel, msgs);
        msgs.push({
          channel: src.channel,
          ts: ws.nextTs(),
          user: ws.seed.botUserId,
          bot_id: ws.seed.botId,
          token: ws.seed.botToken,
          text,
          blocks: hasBlocks ? (blocks as Json[]) : undefined,
        });
      }
      return { status: 200, body: 'ok' };
    },
    clear() {
      issued.clear();
    },
  };
}
