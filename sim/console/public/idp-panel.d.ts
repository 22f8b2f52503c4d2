// Types of idp-panel.js (plain browser JavaScript) for the TypeScript tests.
import type { IdpActivity } from '../idp-activity.ts';

export function renderIdpActivity(activity: IdpActivity): string;
