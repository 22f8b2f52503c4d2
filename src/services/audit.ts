import type { AuditEntry, AuditStore } from '../store/types.ts';

export type { AuditEntry };

/** The record of every click on an alert's buttons, as read back for `/cii audit`. */
export interface AuditService {
  /** Newest first; about one alert user when `login` is given. */
  recent(filter: { login?: string; limit: number }): Promise<AuditEntry[]>;
}

export function createAuditService(deps: { store: Pick<AuditStore, 'listAudit'> }): AuditService {
  return { recent: (filter) => deps.store.listAudit(filter) };
}
