// Types of phone-panel.js (plain browser JavaScript) for the TypeScript tests.
import type { Phone } from '../phone.ts';

export function renderPhone(phone: Phone | undefined, name: string): string;
