import { text, toRegistration } from './rows.ts';
import { changesOf, type Executor, rowsOf } from './steps.ts';
import type { SettingsStore } from './types.ts';

export function settingsStore(db: Executor): SettingsStore {
  return {
    saveRegistration: async (r) => {
      await db.run(
        changesOf(
          `INSERT INTO webhook_registrations (id, name, endpoint, check_ids, created_at)
          VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET name = excluded.name,
            endpoint = excluded.endpoint, check_ids = excluded.check_ids`,
          [r.id, r.name, r.endpoint, JSON.stringify(r.checkIds), r.createdAt],
        ),
      );
    },
    listRegistrations: async () =>
      (await db.run(rowsOf('SELECT * FROM webhook_registrations ORDER BY created_at, id'))).map(toRegistration),
    deleteRegistration: async (id) =>
      (await db.run(changesOf('DELETE FROM webhook_registrations WHERE id = $1', [id]))) > 0,
    getState: async (key) => {
      const [row] = await db.run(rowsOf('SELECT value FROM app_state WHERE key = $1', [key]));
      return row ? text(row.value) : undefined;
    },
    setState: async (key, value) => {
      await db.run(
        changesOf(
          'INSERT INTO app_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
          [key, value],
        ),
      );
    },
  };
}
