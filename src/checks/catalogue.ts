import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SEVERITIES, type Severity } from '../alerts/finding.ts';

/** One CII check as the shipped catalogue describes it. */
export interface CatalogueCheck {
  id: string;
  title: string;
  defaultSeverity: Severity;
  description: string;
  /** CII's id is confirmed (else our guess from the title). */
  idKnown: boolean;
  titleKnown: boolean;
  severityKnown: boolean;
}

const catalogueSchema = z.object({
  checks: z.array(
    z.object({
      id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,127}$/),
      title: z.string().min(1).max(200),
      defaultSeverity: z.enum(SEVERITIES),
      description: z.string().min(1).max(300),
      idKnown: z.boolean(),
      titleKnown: z.boolean(),
      severityKnown: z.boolean(),
    }),
  ),
});

const CATALOGUE_FILE = new URL('./catalogue.json', import.meta.url);

/** Reads and checks the catalogue file shipped with the app; a broken file stops start-up with its path. */
export function loadCheckCatalogue(file: URL = CATALOGUE_FILE): CatalogueCheck[] {
  const parsed = catalogueSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`The check catalogue ${file.pathname} is invalid: ${parsed.error.issues[0]?.message ?? ''}`);
  }
  const ids = parsed.data.checks.map((c) => c.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new Error(`The check catalogue ${file.pathname} lists ${twice} twice`);
  return parsed.data.checks;
}
