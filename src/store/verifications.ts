import { toAlert, toQuestion } from './rows.ts';
import { type Executor, IN_TRANSACTION, rowsOf, type SqlValue, type Steps } from './steps.ts';
import type { AlertVerification, QueueResult, VerificationStore, VerifyQuestion } from './types.ts';

const HOUR_MS = 3_600_000;

const detailOf = ({ state: _state, ...detail }: AlertVerification) => JSON.stringify(detail);

/** `$n, $n+1, …` for a list of values bound from parameter `first` on. */
const placeholders = (values: readonly unknown[], first: number) => values.map((_, i) => `$${i + first}`).join(', ');

function* queueQuestion(input: Parameters<VerificationStore['queueQuestion']>[0]): Steps<QueueResult> {
  const { now } = input;
  let [open] = yield* rowsOf(
    "SELECT * FROM verify_questions WHERE slack_user_id = $1 AND state = 'collecting' ORDER BY id DESC LIMIT 1",
    [input.slackUserId],
  );
  if (!open) {
    const [count] = yield* rowsOf(
      "SELECT COUNT(*) AS n FROM verify_questions WHERE slack_user_id = $1 AND created_at > $2 AND state <> 'failed'",
      [input.slackUserId, now - HOUR_MS],
    );
    const recent = Number(count?.n ?? 0);
    if (recent >= input.maxPerHour) return { kind: 'limited', recent };
    // The partial unique index keeps one collecting DM per user even when two replicas race here.
    [open] = yield* rowsOf(
      `INSERT INTO verify_questions (login, slack_user_id, name, state, created_at, send_after)
      VALUES ($1, $2, $3, 'collecting', $4, $5)
      ON CONFLICT (slack_user_id) WHERE state = 'collecting' DO NOTHING RETURNING *`,
      [input.login, input.slackUserId, input.name, now, now + input.windowMs],
    );
    open ??= (yield* rowsOf(
      "SELECT * FROM verify_questions WHERE slack_user_id = $1 AND state = 'collecting' ORDER BY id DESC LIMIT 1",
      [input.slackUserId],
    ))[0];
    if (!open) return { kind: 'gone' };
  }
  const question = toQuestion(open);
  const [row] = yield* rowsOf(
    `UPDATE alerts SET verify_state = 'queued', verify_question_id = $1, verify_detail = $2, verify_lease_until = NULL
    WHERE id = $3 AND verify_state = 'resolving' RETURNING *`,
    [question.id, JSON.stringify({ name: input.name, at: now }), input.alertId],
  );
  if (!row) return { kind: 'gone' };
  return { kind: 'queued', question, alert: toAlert(row) };
}

function* moveQuestion(
  id: number,
  move: Parameters<VerificationStore['moveQuestion']>[1],
): Steps<{ moved: boolean; question?: VerifyQuestion; alerts: ReturnType<typeof toAlert>[] }> {
  const set = move.set ?? {};
  const columns: Array<[string, SqlValue | undefined]> = [
    ['answer', set.answer],
    ['channel_id', set.channelId],
    ['ts', set.ts],
    ['sent_at', set.sentAt],
    ['answered_at', set.answeredAt],
    ['error', set.error],
  ];
  const given = columns.filter(([, v]) => v !== undefined) as Array<[string, SqlValue]>;
  const assignments = ['state = $1', 'lease_until = NULL', ...given.map(([c], i) => `${c} = $${i + 3}`)].join(', ');
  const fromAt = 3 + given.length;
  const [row] = yield* rowsOf(
    `UPDATE verify_questions SET ${assignments} WHERE id = $2 AND state IN (${placeholders(move.from, fromAt)}) RETURNING *`,
    [move.to, id, ...given.map(([, v]) => v), ...move.from],
  );
  if (!row) {
    const [current] = yield* rowsOf('SELECT * FROM verify_questions WHERE id = $1', [id]);
    return { moved: false, ...(current ? { question: toQuestion(current) } : {}), alerts: [] };
  }
  const alerts = yield* rowsOf(
    `UPDATE alerts SET verify_state = $1, verify_detail = $2
    WHERE verify_question_id = $3 AND verify_state IN (${placeholders(move.alertsFrom, 4)}) RETURNING *`,
    [move.alertsTo.state, detailOf(move.alertsTo), id, ...move.alertsFrom],
  );
  return {
    moved: true,
    question: toQuestion(row),
    alerts: alerts.map(toAlert).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id)),
  };
}

export function verificationStore(db: Executor): VerificationStore {
  return {
    claimPendingVerifications: async ({ now, leaseMs, limit }) => {
      // The state test is repeated outside the subquery: PostgreSQL re-checks it when a concurrent claim commits.
      const due = `(verify_state = 'pending' OR (verify_state = 'resolving' AND verify_lease_until < $1))`;
      const rows = await db.run(
        rowsOf(
          `UPDATE alerts SET verify_state = 'resolving', verify_lease_until = $2
          WHERE id IN (SELECT id FROM alerts WHERE ${due} ORDER BY created_at, id LIMIT $3) AND ${due} RETURNING *`,
          [now, now + leaseMs, limit],
        ),
      );
      return rows.map(toAlert).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    },

    setVerification: (alertId, change) =>
      db.run(
        (function* () {
          const [row] = yield* rowsOf(
            `UPDATE alerts SET verify_state = $1, verify_detail = $2, verify_lease_until = NULL
            WHERE id = $3 AND verify_state IN (${placeholders(change.from, 4)}) RETURNING *`,
            [change.to.state, detailOf(change.to), alertId, ...change.from],
          );
          if (row) return { moved: true, alert: toAlert(row) };
          const [current] = yield* rowsOf('SELECT * FROM alerts WHERE id = $1', [alertId]);
          return { moved: false, ...(current ? { alert: toAlert(current) } : {}) };
        })(),
        IN_TRANSACTION,
      ),

    queueQuestion: (input) => db.run(queueQuestion(input), IN_TRANSACTION),

    claimDueQuestions: async ({ now, leaseMs, limit }) => {
      const due = `((state = 'collecting' AND send_after <= $1) OR (state = 'sending' AND lease_until < $1))`;
      const rows = await db.run(
        rowsOf(
          `UPDATE verify_questions SET state = 'sending', attempts = attempts + 1, lease_until = $2
          WHERE id IN (SELECT id FROM verify_questions WHERE ${due} ORDER BY id LIMIT $3) AND ${due} RETURNING *`,
          [now, now + leaseMs, limit],
        ),
      );
      return rows.map(toQuestion).sort((a, b) => a.id - b.id);
    },

    getQuestion: async (id) => {
      const [row] = await db.run(rowsOf('SELECT * FROM verify_questions WHERE id = $1', [id]));
      return row ? toQuestion(row) : undefined;
    },

    questionAlerts: async (questionId) =>
      (
        await db.run(rowsOf('SELECT * FROM alerts WHERE verify_question_id = $1 ORDER BY created_at, id', [questionId]))
      ).map(toAlert),

    moveQuestion: (id, move) => db.run(moveQuestion(id, move), IN_TRANSACTION),

    listUnansweredQuestions: async (before) =>
      (
        await db.run(
          rowsOf("SELECT * FROM verify_questions WHERE state = 'sent' AND sent_at < $1 ORDER BY id", [before]),
        )
      ).map(toQuestion),
  };
}
