import { describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../sim/slack/signer.ts';
import { slackSignatureCheck } from '../../src/slack/slack-signature.ts';

const SECRET = 'signature-test-secret';
const NOW_S = 1_790_000_000;
const check = slackSignatureCheck(SECRET, () => NOW_S * 1000);
const body = 'command=%2Fcii&text=user+ana%40example.com';

function verdict(headers: { 'x-slack-signature'?: string; 'x-slack-request-timestamp'?: string }, raw = body) {
  return check(headers['x-slack-signature'], headers['x-slack-request-timestamp'], Buffer.from(raw));
}

describe('slackSignatureCheck', () => {
  it("accepts Slack's v0 signature of the body, up to five minutes old", () => {
    expect(verdict(signSlackRequest(SECRET, body, NOW_S))).toBeUndefined();
    expect(verdict(signSlackRequest(SECRET, body, NOW_S - 300))).toBeUndefined();
    expect(verdict(signSlackRequest(SECRET, 'café=ü', NOW_S), 'café=ü')).toBeUndefined();
  });

  it('refuses a signature over another body, with another secret or for another timestamp', () => {
    expect(verdict(signSlackRequest(SECRET, body, NOW_S), `${body}&x=1`)).toBe('signature mismatch');
    expect(verdict(signSlackRequest('another-secret', body, NOW_S))).toBe('signature mismatch');
    const signed = signSlackRequest(SECRET, body, NOW_S);
    expect(verdict({ ...signed, 'x-slack-request-timestamp': String(NOW_S - 1) })).toBe('signature mismatch');
  });

  it('refuses a timestamp older than five minutes even when the signature holds', () => {
    expect(verdict(signSlackRequest(SECRET, body, NOW_S - 301))).toBe('stale timestamp');
  });

  it('refuses missing or malformed headers', () => {
    const signed = signSlackRequest(SECRET, body, NOW_S);
    expect(verdict({ 'x-slack-request-timestamp': signed['x-slack-request-timestamp'] })).toBe('no signature');
    expect(verdict({ 'x-slack-signature': signed['x-slack-signature'] })).toBe('no timestamp');
    expect(verdict({ ...signed, 'x-slack-request-timestamp': `${NOW_S}.5` })).toBe('no timestamp');
    expect(verdict({ ...signed, 'x-slack-signature': signed['x-slack-signature'].replace('v0=', 'v1=') })).toBe(
      'unknown signature version',
    );
    expect(verdict({ ...signed, 'x-slack-signature': `${signed['x-slack-signature']}00` })).toBe('signature mismatch');
    expect(
      verdict({ ...signed, 'x-slack-signature': signed['x-slack-signature'].toUpperCase().replace('V0', 'v0') }),
    ).toBe('signature mismatch');
  });

  it('refuses everything when the signing secret is empty, even a signature made with an empty key', () => {
    const none = slackSignatureCheck('', () => NOW_S * 1000);
    const signed = signSlackRequest('', body, NOW_S);
    expect(none(signed['x-slack-signature'], signed['x-slack-request-timestamp'], Buffer.from(body))).toBe(
      'no signing secret',
    );
  });
});
