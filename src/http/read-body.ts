import type { IncomingMessage } from 'node:http';

/** The body is (or announced itself as) larger than the cap; the route answers 413. */
export class BodyTooLargeError extends Error {
  readonly limitBytes: number;
  constructor(limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
    this.limitBytes = limitBytes;
  }
}

/** The client went away (or the stream failed) before the body was complete. */
class BodyReadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BodyReadError';
  }
}

/**
 * Reads the whole body, holding at most `maxBytes`. An over-cap `content-length` is refused before a
 * byte is read; a body streaming past the cap is refused as soon as it does. Either way the rest is
 * discarded unbuffered so the caller can still answer (best with `connection: close`).
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(req);
    return Promise.reject(new BodyTooLargeError(maxBytes));
  }

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;

    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stop();
        chunks.length = 0;
        discard(req);
        reject(new BodyTooLargeError(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      stop();
      discard(req);
      reject(new BodyReadError('request body stream failed', { cause: err }));
    };
    const onClose = () => {
      stop();
      reject(new BodyReadError('client closed the request before the body was complete'));
    };

    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** Lets the rest of the body flow away unread; a late stream error must not become uncaught. */
function discard(req: IncomingMessage): void {
  req.on('error', () => {});
  req.resume();
}
