/** A scripted answer the fake Slack gives instead of (or, with only delayMs, before) its normal one. */
export interface ScriptedBehaviour {
  /** HTTP status to answer with (429 adds Retry-After). */
  status?: number;
  /** Retry-After seconds of a 429; default 1. */
  retryAfterSeconds?: number;
  /** `ok:false` error code, answered with HTTP 200 (or the given status). */
  error?: string;
  /** Wait this long before answering. */
  delayMs?: number;
  /**
   * Do what the call asks at once (a message is posted, the call recorded) but send the answer only this long
   * after: a client that times out first never learns the result, as when Slack's answer is slow or lost.
   */
  answerAfterMs?: number;
  /** How many matching calls this applies to; default 1, Infinity allowed. */
  times?: number;
  /** Only calls whose `channel` argument is this one. */
  channel?: string;
}

interface Entry {
  method: string;
  behaviour: ScriptedBehaviour;
  remaining: number;
}

export interface ScriptedBehaviours {
  add(method: string, behaviour: ScriptedBehaviour): void;
  /** Consumes one use of the first behaviour scripted for this call, in the order they were added. */
  take(method: string, channel: string | undefined): ScriptedBehaviour | undefined;
  clear(): void;
}

export function createScriptedBehaviours(): ScriptedBehaviours {
  let entries: Entry[] = [];
  return {
    add(method, behaviour) {
      const remaining = behaviour.times ?? 1;
      if (!(remaining > 0)) throw new Error(`script(${method}): times must be positive, got ${remaining}`);
      entries.push({ method, behaviour, remaining });
    },
    take(method, channel) {
      const entry = entries.find(
        (e) => e.method === method && (e.behaviour.channel === undefined || e.behaviour.channel === channel),
      );
      if (entry === undefined) return undefined;
      entry.remaining -= 1;
      if (entry.remaining <= 0) entries = entries.filter((e) => e !== entry);
      return entry.behaviour;
    },
    clear() {
      entries = [];
    },
  };
}
