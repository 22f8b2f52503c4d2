import { CiiError } from '../../cii/errors.ts';
import { summarizeResults } from './provider-results.ts';
import type { ResponseOutcome } from './types.ts';

/** Why CII could not be read, in words for the responder (never the error's own text). */
export function ciiFailure(err: unknown, login: string): string {
  if (!(err instanceof CiiError)) return 'unexpected error (see the app log)';
  switch (err.kind) {
    case 'not_found':
      return `CII has no user ${login}`;
    case 'credentials':
      return 'CII rejected this app’s API credentials';
    case 'unavailable':
      return 'CII is unreachable or too slow right now';
    case 'unexpected':
      return 'CII sent an answer this app did not expect';
  }
}

/** The audit outcome and detail of a click; undefined for a check that let a modal open (its submission is audited). */
export function auditOutcome(
  outcome: ResponseOutcome | { kind: 'preview' },
): { outcome: string; detail?: string } | undefined {
  switch (outcome.kind) {
    case 'allowed':
    case 'preview':
      return undefined;
    case 'reopened':
      return { outcome: 'reopened' };
    case 'not_found':
      return { outcome: 'not_found' };
    case 'refused':
      return { outcome: `refused_${outcome.reason}`, ...(outcome.detail ? { detail: outcome.detail } : {}) };
    case 'already':
      return { outcome: `already_${outcome.alert.state}`, detail: `by ${outcome.alert.decidedBy ?? 'unknown'}` };
    case 'approved':
      return { outcome: 'approved' };
    case 'blocked':
    case 'unblocked':
      return { outcome: outcome.kind, detail: summarizeResults(outcome.results) };
    case 'failed':
      return { outcome: `${outcome.action}_failed`, detail: summarizeResults(outcome.results, outcome.error) };
  }
}
