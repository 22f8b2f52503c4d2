import type { Dialect } from './steps.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** What the two backends spell differently in a schema; everything else is the same SQL. */
const SPELLING = {
  /** A generated integer key. */
  serialId: {
    sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT',
    postgres: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
  },
  /** A column referring to a generated key. */
  idRef: { sqlite: 'INTEGER', postgres: 'BIGINT' },
} as const;

/** Alerts of a finding whose login another, earlier alert of it already has in another letter case. */
const LATER_SPELLINGS = `SELECT later.id FROM alerts later JOIN alerts first
  ON first.finding_id = later.finding_id AND lower(first.login) = lower(later.login)
  AND (first.created_at < later.created_at OR (first.created_at = later.created_at AND first.id < later.id))`;

/**
 * Advisory lock (per schema) between the statements that queue cards, which hold it shared, and the pruning of idle
 * gates, which holds it alone: a gate is never deleted under a card being queued for its channel.
 */
export const GATE_LOCK_KEY = `hashtext(current_schema() || ':cii-slack:gates')`;

/**
 * Every channel with a pending card has a row in `channel_gates` (the claim reads its channels there), kept by a
 * trigger so that no way of queuing a card can miss it (a card is pending only from its insert on). PostgreSQL
 * registers each statement's channels at once.
 */
const GATE_TRIGGERS = {
  sqlite: `
      CREATE TRIGGER deliveries_gate_queued AFTER INSERT ON deliveries WHEN NEW.state = 'pending'
      BEGIN
        INSERT OR IGNORE INTO channel_gates (channel_id, not_before) VALUES (NEW.channel_id, 0);
      END;`,
  postgres: `
      CREATE FUNCTION deliveries_gate_queued() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock_shared(${GATE_LOCK_KEY});
        INSERT INTO channel_gates (channel_id, not_before)
        SELECT DISTINCT channel_id, 0 FROM queued WHERE state = 'pending' ORDER BY channel_id
        ON CONFLICT (channel_id) DO NOTHING;
        RETURN NULL;
      END $$;
      CREATE TRIGGER deliveries_gate_queued AFTER INSERT ON deliveries REFERENCING NEW TABLE AS queued
      FOR EACH STATEMENT EXECUTE FUNCTION deliveries_gate_queued();`,
} as const;

/** The schema of both backends, one entry per version; append only, never edit an applied migration. */
export function migrations(dialect: Dialect): Migration[] {
  const serialId = SPELLING.serialId[dialect];
  const idRef = SPELLING.idRef[dialect];
  return [
    {
      version: 1,
      name: 'alerts, subscriptions and the delivery outbox',
      sql: `
      CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        finding_id TEXT NOT NULL,
        envelope_id TEXT NOT NULL,
        check_id TEXT NOT NULL,
        title TEXT NOT NULL,
        severity TEXT NOT NULL,
        severity_label TEXT NOT NULL,
        login TEXT NOT NULL,
        display_name TEXT,
        reference_url TEXT,
        description TEXT NOT NULL,
        recommended_actions TEXT NOT NULL,
        published TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        state TEXT NOT NULL DEFAULT 'open',
        decided_by TEXT,
        decided_at BIGINT,
        version INTEGER NOT NULL DEFAULT 1,
        UNIQUE (finding_id, login)
      );
      CREATE TABLE seen_events (
        id TEXT PRIMARY KEY,
        received_at BIGINT NOT NULL
      );
      CREATE TABLE subscriptions (
        id ${serialId},
        channel_id TEXT NOT NULL,
        check_ids TEXT NOT NULL,
        min_severity TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        broken_reason TEXT,
        broken_at BIGINT,
        UNIQUE (channel_id, check_ids, min_severity)
      );
      CREATE TABLE deliveries (
        id ${serialId},
        kind TEXT NOT NULL CHECK (kind IN ('alert', 'summary')),
        alert_id TEXT REFERENCES alerts (id) ON DELETE CASCADE,
        finding_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        subscription_id ${idRef} REFERENCES subscriptions (id) ON DELETE SET NULL,
        parent_id ${idRef} REFERENCES deliveries (id) ON DELETE CASCADE,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        lease_until BIGINT,
        lease_owner TEXT,
        last_error TEXT,
        posted_ts TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE INDEX deliveries_pending ON deliveries (channel_id, id) WHERE state = 'pending';
      CREATE INDEX deliveries_leased ON deliveries (channel_id) WHERE lease_until IS NOT NULL;
      CREATE INDEX deliveries_alert ON deliveries (alert_id);
      CREATE INDEX deliveries_parent ON deliveries (parent_id);
      CREATE INDEX deliveries_subscription ON deliveries (subscription_id);
      CREATE INDEX deliveries_finding ON deliveries (finding_id);
      CREATE TABLE channel_gates (
        channel_id TEXT PRIMARY KEY,
        not_before BIGINT NOT NULL
      );
      CREATE TABLE webhook_registrations (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        check_ids TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE app_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
    },
    {
      version: 2,
      name: 'analyst responses: decision action and error, provider results, audit log',
      sql: `
      ALTER TABLE alerts ADD COLUMN decision_action TEXT;
      ALTER TABLE alerts ADD COLUMN decision_error TEXT;
      CREATE TABLE alert_actions (
        id ${serialId},
        alert_id TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
        action TEXT NOT NULL CHECK (action IN ('block', 'unblock')),
        provider TEXT NOT NULL,
        provider_user_id TEXT NOT NULL,
        ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
        steps TEXT NOT NULL,
        error TEXT,
        actor TEXT NOT NULL,
        at BIGINT NOT NULL
      );
      CREATE INDEX alert_actions_alert ON alert_actions (alert_id, id);
      CREATE TABLE audit_log (
        id ${serialId},
        at BIGINT NOT NULL,
        user_id TEXT NOT NULL,
        user_name TEXT,
        team_id TEXT,
        channel_id TEXT,
        alert_id TEXT,
        login TEXT,
        action TEXT NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT
      );
      CREATE INDEX audit_log_login ON audit_log (lower(login), id);
    `,
    },
    {
      version: 3,
      name: 'retention: indexes to prune by age; leases by owner',
      sql: `
      CREATE INDEX seen_events_received ON seen_events (received_at);
      CREATE INDEX alerts_created ON alerts (created_at);
      CREATE INDEX audit_log_at ON audit_log (at);
      CREATE INDEX deliveries_done_created ON deliveries (created_at) WHERE state <> 'pending';
      CREATE INDEX deliveries_lease_owner ON deliveries (lease_owner) WHERE lease_owner IS NOT NULL;
    `,
    },
    {
      version: 4,
      name: 'signatures of the Slack requests served in the last minutes (replay protection)',
      sql: `
      CREATE TABLE slack_request_signatures (
        signature TEXT PRIMARY KEY,
        seen_at BIGINT NOT NULL
      );
      CREATE INDEX slack_request_signatures_seen ON slack_request_signatures (seen_at);
    `,
    },
    {
      version: 5,
      name: 'finding accounting: how each alert was routed (routed, unrouted, muted)',
      sql: `
      ALTER TABLE alerts ADD COLUMN routing TEXT NOT NULL DEFAULT 'routed';
      CREATE INDEX alerts_unrouted ON alerts (created_at) WHERE routing = 'unrouted';
    `,
    },
    {
      version: 6,
      name: 'asking the affected user: verification state of alerts, questions sent as DMs',
      sql: `
      ALTER TABLE alerts ADD COLUMN verify_state TEXT;
      ALTER TABLE alerts ADD COLUMN verify_detail TEXT;
      ALTER TABLE alerts ADD COLUMN verify_question_id ${idRef};
      ALTER TABLE alerts ADD COLUMN verify_lease_until BIGINT;
      CREATE INDEX alerts_verify_state ON alerts (verify_state) WHERE verify_state IS NOT NULL;
      CREATE INDEX alerts_verify_question ON alerts (verify_question_id) WHERE verify_question_id IS NOT NULL;
      CREATE TABLE verify_questions (
        id ${serialId},
        login TEXT NOT NULL,
        slack_user_id TEXT NOT NULL,
        name TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('collecting', 'sending', 'sent', 'answered', 'expired', 'failed')),
        answer TEXT CHECK (answer IN ('yes', 'no')),
        created_at BIGINT NOT NULL,
        send_after BIGINT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        lease_until BIGINT,
        channel_id TEXT,
        ts TEXT,
        sent_at BIGINT,
        answered_at BIGINT,
        error TEXT
      );
      CREATE INDEX verify_questions_user ON verify_questions (slack_user_id, created_at);
      CREATE UNIQUE INDEX verify_questions_collecting ON verify_questions (slack_user_id) WHERE state = 'collecting';
      CREATE INDEX verify_questions_state ON verify_questions (state, send_after);
    `,
    },
    {
      version: 7,
      name: 'logins compared without case: duplicates of one finding folded into the first alert',
      sql: `
      DELETE FROM alert_actions WHERE alert_id IN (${LATER_SPELLINGS});
      DELETE FROM deliveries WHERE alert_id IN (${LATER_SPELLINGS});
      DELETE FROM alerts WHERE id IN (${LATER_SPELLINGS});
      CREATE UNIQUE INDEX alerts_finding_login_nocase ON alerts (finding_id, lower(login));
    `,
    },
    {
      version: 8,
      name: "alerts keep the newer payload fields: the user's trust level, the check's topics, scope, frameworks and explainability",
      sql: `
      ALTER TABLE alerts ADD COLUMN trust_level TEXT;
      ALTER TABLE alerts ADD COLUMN context TEXT;
    `,
    },
    {
      version: 9,
      name: "alert cards' user details from the finding and context from CII, and alerts listed by user",
      sql: `
      ALTER TABLE alerts ADD COLUMN user_context TEXT;
      ALTER TABLE alerts ADD COLUMN user_context_at BIGINT;
      ALTER TABLE alerts ADD COLUMN details TEXT;
      CREATE INDEX alerts_login_created ON alerts (lower(login), created_at);
      CREATE INDEX alerts_awaiting_context ON alerts (created_at) WHERE user_context IS NULL;
    `,
    },
    {
      version: 10,
      name: 'decision reasons on alerts and in the audit log',
      sql: `
      ALTER TABLE alerts ADD COLUMN decision_reason TEXT;
      ALTER TABLE audit_log ADD COLUMN reason TEXT;
    `,
    },
    {
      version: 11,
      name: 'deliveries remember a post whose answer never came, to look for it in Slack before posting again',
      sql: `
      ALTER TABLE deliveries ADD COLUMN posting_since BIGINT;
      ALTER TABLE deliveries ADD COLUMN lookups_failed INTEGER NOT NULL DEFAULT 0;
    `,
    },
    {
      version: 12,
      name: 'mutes: a check muted for one user until a time',
      sql: `
      CREATE TABLE mutes (
        id ${serialId},
        check_id TEXT NOT NULL,
        login TEXT NOT NULL,
        title TEXT NOT NULL,
        display_name TEXT,
        alert_id TEXT,
        channel_id TEXT,
        created_by TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        reason TEXT,
        lifted_by TEXT,
        lifted_at BIGINT
      );
      CREATE INDEX mutes_check_login ON mutes (check_id, lower(login), expires_at) WHERE lifted_at IS NULL;
      CREATE INDEX mutes_active ON mutes (expires_at) WHERE lifted_at IS NULL;
    `,
    },
    {
      version: 13,
      name: 'provider actions journalled per account (intent, then done or failed), leases on actions under way',
      sql: `
      ALTER TABLE alerts ADD COLUMN lease_owner TEXT;
      ALTER TABLE alerts ADD COLUMN lease_until BIGINT;
      CREATE INDEX alerts_in_progress ON alerts (lease_until) WHERE state = 'in_progress';
      CREATE TABLE action_steps (
        id ${serialId},
        alert_id TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
        attempt INTEGER NOT NULL,
        operation TEXT NOT NULL CHECK (operation IN ('block', 'unblock')),
        provider TEXT NOT NULL,
        provider_user_id TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('intent', 'done', 'failed')),
        steps TEXT,
        error TEXT,
        actor TEXT NOT NULL,
        started_at BIGINT NOT NULL,
        finished_at BIGINT,
        UNIQUE (alert_id, attempt, provider, provider_user_id)
      );
    `,
    },
    {
      version: 14,
      name: 'channel_gates lists every channel with a pending card, so a claim reads its channels there',
      // The trigger first: on PostgreSQL creating it waits for the transactions writing cards (an older replica's)
      // and holds off new ones, so the backfill after it sees every card the trigger will not.
      sql: `
      ${GATE_TRIGGERS[dialect]}
      INSERT INTO channel_gates (channel_id, not_before)
      SELECT DISTINCT channel_id, 0 FROM deliveries WHERE state = 'pending'
      ON CONFLICT (channel_id) DO NOTHING;
    `,
    },
    {
      version: 15,
      name: 'a refused channel no subscription names (the fallback channel): why and since when, while it is retried',
      sql: `
      ALTER TABLE channel_gates ADD COLUMN refused_reason TEXT;
      ALTER TABLE channel_gates ADD COLUMN refused_at BIGINT;
    `,
    },
    {
      version: 16,
      name: "a user's latest alerts read in the index's order: every /cii user sorted them",
      sql: `
      CREATE INDEX alerts_login_latest ON alerts (lower(login), created_at DESC, id);
      DROP INDEX alerts_login_created;
    `,
    },
  ];
}
