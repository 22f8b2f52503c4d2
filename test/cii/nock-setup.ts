import nock from 'nock';
import { afterEach, beforeEach } from 'vitest';

export const TOKEN_ORIGIN = 'https://login.cii.test';
export const TOKEN_URL = `${TOKEN_ORIGIN}/oauth/token`;
export const API_ORIGIN = 'https://api.cii.test';
export const API_URL = `${API_ORIGIN}/graphql`;
export const CLIENT_SECRET = 's3cr3t-client-secret-value';

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
