import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { DUO_AUTH_APP, duoAuthClient, ok, signedPost, signedStatus } from '../support/duo-auth-nock.ts';
import { useNock } from './nock-setup.ts';

const pushDevice = { device: 'DP1', capabilities: ['auto', 'push', 'sms'] };

function client() {
  const waits: number[] = [];
  const duo = duoAuthClient({
    pushWaitMs: 5_000,
    wait: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    retry: { baseMs: 1, maxMs: 1, maxRetries: 0 },
  });
  return { duo, waits };
}

describe('Duo Auth API client', () => {
  useNock();

  it('sends a signed preauth, an async push and polls auth_status until the user approves', async () => {
    signedPost('/auth/v2/preauth', '{"username":"mia"}').reply(200, ok({ result: 'auth', devices: [pushDevice] }));
    signedPost('/auth/v2/auth', '{"async":"1","device":"auto","factor":"push","username":"mia"}').reply(
      200,
      ok({ txid: 'tx-1' }),
    );
    signedStatus('tx-1').reply(200, ok({ result: 'waiting', status: 'pushed' }));
    signedStatus('tx-1').reply(200, ok({ result: 'allow', status: 'allow' }));
    const { duo, waits } = client();
    await expect(duo.push('mia')).resolves.toEqual({ kind: 'approved' });
    expect(waits).toEqual([2_000]);
  });

  it('says plainly when the push is denied, not enrolled, or Duo refuses the application', async () => {
    signedPost('/auth/v2/preauth', '{"username":"mia"}').reply(200, ok({ result: 'auth', devices: [pushDevice] }));
    signedPost('/auth/v2/auth', '{"async":"1","device":"auto","factor":"push","username":"mia"}').reply(
      200,
      ok({ txid: 'tx-2' }),
    );
    signedStatus('tx-2').reply(200, ok({ result: 'deny', status: 'deny' }));
    await expect(client().duo.push('mia')).resolves.toEqual({ kind: 'denied', message: 'the Duo Push was denied' });

    signedPost('/auth/v2/preauth', '{"username":"newbie"}').reply(200, ok({ result: 'enroll', devices: [] }));
    await expect(client().duo.push('newbie')).resolves.toEqual({
      kind: 'not_enrolled',
      message: 'not enrolled in Duo',
    });

    // A user Duo lets in without a second factor proves nothing: treated as not enrolled, no push sent.
    signedPost('/auth/v2/preauth', '{"username":"bypass"}').reply(200, ok({ result: 'allow' }));
    await expect(client().duo.push('bypass')).resolves.toMatchObject({ kind: 'not_enrolled' });

    nock(DUO_AUTH_APP.apiUrl)
      .post('/auth/v2/preauth')
      .reply(401, { stat: 'FAIL', code: 40103, message: 'Invalid signature in request credentials' });
    const refused = await client().duo.push('mia');
    expect(refused.kind).toBe('failed');
    expect(JSON.stringify(refused)).toContain('DUO_AUTH_IKEY');
    expect(JSON.stringify(refused)).not.toContain(DUO_AUTH_APP.skey);
  });

  it('gives up on a push nobody answers within the bounded wait', async () => {
    signedPost('/auth/v2/preauth', '{"username":"mia"}').reply(200, ok({ result: 'auth', devices: [pushDevice] }));
    signedPost('/auth/v2/auth', '{"async":"1","device":"auto","factor":"push","username":"mia"}').reply(
      200,
      ok({ txid: 'tx-3' }),
    );
    signedStatus('tx-3')
      .times(3)
      .reply(200, ok({ result: 'waiting', status: 'pushed' }));
    const { duo, waits } = client();
    await expect(duo.push('mia')).resolves.toEqual({ kind: 'timeout', message: 'the Duo Push got no answer in time' });
    // 5 s of waiting at most, in 2 s polls: three status reads, two pauses.
    expect(waits).toEqual([2_000, 2_000]);
  });
});
