import { randomBytes, randomUUID } from 'node:crypto';

export interface TokenIssuerConfig {
  clientId: string;
  clientSecret: string;
  audience?: string;
  ttlSeconds: number;
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

const denied: TokenAnswer = { status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' } };
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Client-credentials token endpoint logic: JWT-shaped opaque tokens, remembered until expiry or revocation. */
export function createTokenIssuer(config: TokenIssuerConfig) {
  const expiries = new Map<string, number>();
  let issued = 0;

  function issue(body: unknown): TokenAnswer {
    if (!body || typeof body !== 'object') {
      return { status: 400, body: { error: 'invalid_request', error_description: 'Expected a JSON object body' } };
    }
    const request = body as Record<string, unknown>;
    if (request.grant_type !== 'client_credentials') {
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'Unsupported grant type' } };
    }
    if (request.client_id !== config.clientId || request.client_secret !== config.clientSecret) return denied;
    if (request.audience !== config.audience) return denied;

    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: 'https://login.oort.io/',
      sub: `${config.clientId}@clients`,
      aud: config.audience ?? 'https://api.oort.io',
      iat: now,
      exp: now + config.ttlSeconds,
      gty: 'client-credentials',
      jti: randomUUID(),
    };
    const token = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url(claims)}.${randomBytes(32).toString('base64url')}`;
    expiries.set(token, Date.now() + config.ttlSeconds * 1000);
    issued++;
    return { status: 200, body: { access_token: token, expires_in: config.ttlSeconds, token_type: 'Bearer' } };
  }

  function isValid(authorization: string | undefined): boolean {
    const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
    const expiry = token === undefined ? undefined : expiries.get(token);
    return expiry !== undefined && expiry > Date.now();
  }

  return {
    issue,
    isValid,
    revokeAll: () => expiries.clear(),
    issuedCount: () => issued,
  };
}
