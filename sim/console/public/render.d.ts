// Types of render.js (plain browser JavaScript) for the TypeScript tests.

export interface RenderLookup {
  user?(id: string): string | undefined;
  channel?(id: string): string | undefined;
  usergroup?(id: string): string | undefined;
}

export interface RenderContext {
  lookup?: RenderLookup;
}

type Json = Record<string, unknown>;

export function escapeHtml(value: unknown): string;
export function safeUrl(raw: unknown): string | undefined;
export function renderMrkdwn(text: string, lookup?: RenderLookup): string;
export function renderText(obj: unknown, lookup?: RenderLookup): string;
export function renderBlocks(blocks: unknown, ctx?: RenderContext): string;
export function renderMessageBody(
  message: { text?: string; blocks?: unknown; attachments?: unknown },
  ctx?: RenderContext,
): string;
export function renderModal(view: Json, ctx?: RenderContext): string;
export function renderConfirm(confirm: Json, ctx?: RenderContext): string;
