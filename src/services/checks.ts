import type { Severity } from '../alerts/finding.ts';
import type { CatalogueCheck } from '../checks/catalogue.ts';
import type { AccountingStore } from '../store/types.ts';
import { closest } from '../util/closest.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How far back `/cii checks` counts findings. */
export const CHECK_ACTIVITY_DAYS = 7;

/** A check as `/cii checks` lists it: from the shipped catalogue, from what CII actually sent, or both. */
export interface CheckEntry {
  id: string;
  title: string;
  defaultSeverity?: Severity;
  description?: string;
  inCatalogue: boolean;
  /** CII's id is confirmed: received from CII, or marked known in the catalogue. */
  idConfirmed: boolean;
  /** Distinct findings in the last 7 days. */
  recentFindings: number;
}

export interface UnknownCheck {
  id: string;
  /** The closest known ids, nearest first. */
  suggestions: string[];
}

export interface CheckService {
  /** Catalogue merged with every check id received, sorted by id. */
  list(): Promise<CheckEntry[]>;
  /** The ids that are neither in the catalogue nor ever received, each with the closest known ids. */
  unknown(ids: readonly string[]): Promise<UnknownCheck[]>;
}

export function createCheckService(deps: {
  catalogue: readonly CatalogueCheck[];
  store: Pick<AccountingStore, 'checkActivity'>;
  clock?: { now(): number };
}): CheckService {
  const { catalogue, store } = deps;
  const clock = deps.clock ?? { now: () => Date.now() };

  async function list(): Promise<CheckEntry[]> {
    const received = await store.checkActivity(clock.now() - CHECK_ACTIVITY_DAYS * DAY_MS);
    const byId = new Map<string, CheckEntry>();
    for (const c of catalogue) {
      byId.set(c.id, {
        id: c.id,
        title: c.title,
        defaultSeverity: c.defaultSeverity,
        description: c.description,
        inCatalogue: true,
        idConfirmed: c.idKnown,
        recentFindings: 0,
      });
    }
    for (const r of received) {
      const id = r.checkId.trim().toLowerCase();
      const known = byId.get(id);
      byId.set(
        id,
        known
          ? { ...known, idConfirmed: true, recentFindings: r.recentFindings }
          : { id, title: r.title, inCatalogue: false, idConfirmed: true, recentFindings: r.recentFindings },
      );
    }
    return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  return {
    list,
    async unknown(ids) {
      if (ids.length === 0) return [];
      const known = await list();
      const knownIds = known.map((c) => c.id);
      return ids
        .filter((id) => !knownIds.includes(id))
        .map((id) => {
          // A title typed as an id (`impossible_travel`, `Impossible Travel`) also finds its check.
          const byTitle = known
            .filter((c) => c.title.toLowerCase().replace(/[^a-z0-9]+/g, '-') === id.replace(/[^a-z0-9]+/g, '-'))
            .map((c) => c.id);
          const near = closest(id, knownIds, { limit: 3, maxDistance: Math.max(2, Math.floor(id.length / 4)) });
          return { id, suggestions: [...new Set([...byTitle, ...near])].slice(0, 3) };
        });
    },
  };
}
