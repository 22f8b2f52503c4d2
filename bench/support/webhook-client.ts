export interface WebhookAnswer {
  status: number;
  /** Wall time from sending to the whole answer read. */
  ms: number;
  /** Why the request failed to get an answer (network error, timeout). */
  error?: string;
}

/** POSTs one CII envelope to the app's `/cii/webhook` as CII's EventBridge destination does. */
export async function postEnvelope(
  url: string,
  auth: { headerName: string; secret: string },
  body: string,
  timeoutMs: number,
): Promise<WebhookAnswer> {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [auth.headerName]: auth.secret },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - started };
  } catch (err) {
    return {
      status: 0,
      ms: performance.now() - started,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    };
  }
}
