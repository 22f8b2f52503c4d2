import { toDelivery } from './rows.ts';
import { type Executor, rowsOf, type SqlValue } from './steps.ts';
import type { DeliveryInspection } from './types.ts';

/** The outbox as it is, for tests and benchmarks (the app's own work goes through `OutboxStore`). */
export function deliveryInspection(db: Executor): DeliveryInspection {
  return {
    getDelivery: async (id) => {
      const [row] = await db.run(rowsOf('SELECT * FROM deliveries WHERE id = $1', [id]));
      return row ? toDelivery(row) : undefined;
    },
    listDeliveries: async (filter = {}) => {
      const where: string[] = [];
      const params: SqlValue[] = [];
      for (const [column, value] of [
        ['finding_id', filter.findingId],
        ['channel_id', filter.channelId],
        ['state', filter.state],
      ] as const) {
        if (value === undefined) continue;
        params.push(value);
        where.push(`${column} = $${params.length}`);
      }
      const sql = `SELECT * FROM deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
      return (await db.run(rowsOf(sql, params))).map(toDelivery);
    },
  };
}
