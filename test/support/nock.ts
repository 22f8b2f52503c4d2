import nock from 'nock';
import { afterEach, beforeEach } from 'vitest';

/** No network beyond loopback; every test must consume the interceptors it declares. */
export function useNock(): void {
  beforeEach(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    nock.enableNetConnect();
    if (pending.length > 0) throw new Error(`unused interceptors: ${pending.join(', ')}`);
  });
}
