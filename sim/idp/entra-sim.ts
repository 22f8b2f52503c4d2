import { randomBytes } from 'node:crypto';
import { retryAfterHeader, type ScriptedFailure, type SimReply, type SimRequest } from './http-server.ts';

export interface EntraSimUser {
  accountEnabled: boolean;
  /** Times revokeSignInSessions was called. */
  sessionRevocations: number;
}

interface EntraSimOptions {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds: number;
  users: Map<string, EntraSimUser>;
  autoCreateUsers: boolean;
  now: () => number;
}

const tokenError = (status: number, error: string, description: string): SimReply => ({
  status,
  body: { error, error_description: description, error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)] },
});

const graphError = (status: number, code: string, message: string, headers?: Record<string, string>): SimReply => ({
  status,
  body: { error: { code, message, innerError: { date: new Date().toISOString() } } },
  headers,
});

export const newEntraUser = (): EntraSimUser => ({ accountEnabled: true, sessionRevocations: 0 });

/** The Microsoft identity platform's client-credentials token endpoint and the Graph user calls the bot makes. */
export function createEntraSim(options: EntraSimOptions) {
  const tokens = new Map<string, number>();
  let tokensIssued = 0;

  function issueToken(req: SimRequest): SimReply {
    const form = new URLSearchParams(req.body);
    if (form.get('grant_type') !== 'client_credentials') {
      return tokenError(400, 'unsupported_grant_type', 'AADSTS70003: The app requested an unsupported grant type.');
    }
    if (form.get('client_id') !== options.clientId) {
      return tokenError(
        400,
        'unauthorized_client',
        `AADSTS700016: Application with identifier '${form.get('client_id')}' was not found in the directory '${options.tenantId}'.`,
      );
    }
    if (form.get('client_secret') !== options.clientSecret) {
      return tokenError(
        401,
        'invalid_client',
        `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${options.clientId}'.\r\nTrace ID: ${randomBytes(8).toString('hex')}`,
      );
    }
    if (!(form.get('scope') ?? '').endsWith('/.default')) {
      return tokenError(
        400,
        'invalid_scope',
        'AADSTS1002012: The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.',
      );
    }
    const token = `sim-graph-${randomBytes(16).toString('hex')}`;
    tokens.set(token, options.now() + options.tokenTtlSeconds * 1000);
    tokensIssued++;
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        expires_in: options.tokenTtlSeconds,
        ext_expires_in: options.tokenTtlSeconds,
        access_token: token,
      },
    };
  }

  function graph(req: SimRequest, path: string[]): SimReply {
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ')) return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    const expiresAt = tokens.get(auth.slice(7));
    if (expiresAt === undefined)
      return graphError(401, 'InvalidAuthenticationToken', 'Access token validation failure.');
    if (options.now() >= expiresAt)
      return graphError(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.');
    const [users, userId, action, ...rest] = path;
    if (users !== 'users' || userId === undefined || rest.length > 0) {
      return graphError(400, 'BadRequest', `Resource not found for the segment '${path[0] ?? ''}'.`);
    }
    let user = options.users.get(userId);
    if (!user && options.autoCreateUsers) options.users.set(userId, (user = newEntraUser()));
    if (!user) {
      return graphError(
        404,
        'Request_ResourceNotFound',
        `Resource '${userId}' does not exist or one of its queried reference-property objects are not present.`,
      );
    }
    const route = `${req.method} ${action ?? ''}`;
    switch (route) {
      case 'GET ': {
        // As Graph: accountEnabled is not a default property, it comes only when $select names it.
        const selected = (req.query.get('$select') ?? '').split(',').map((p) => p.trim());
        return {
          status: 200,
          body: { id: userId, ...(selected.includes('accountEnabled') ? { accountEnabled: user.accountEnabled } : {}) },
        };
      }
      case 'PATCH ': {
        const patch = parseJson(req.body);
        if (!patch) return graphError(400, 'BadRequest', 'Unable to read JSON request payload.');
        if (typeof patch.accountEnabled === 'boolean') user.accountEnabled = patch.accountEnabled;
        return { status: 204 };
      }
      case 'POST revokeSignInSessions':
        user.sessionRevocations++;
        return {
          status: 200,
          body: { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean', value: true },
        };
      default:
        return graphError(405, 'Request_BadRequest', 'The HTTP method is not allowed on this resource.');
    }
  }

  function handle(req: SimRequest): SimReply {
    const [first, ...rest] = req.segments;
    if (first === options.tenantId && rest.join('/') === 'oauth2/v2.0/token' && req.method === 'POST')
      return issueToken(req);
    if (rest.join('/') === 'oauth2/v2.0/token') {
      return tokenError(
        400,
        'invalid_request',
        `AADSTS90002: Tenant '${first}' not found. Check to make sure you have the correct tenant ID.`,
      );
    }
    if (first === 'v1.0') return graph(req, rest);
    return graphError(404, 'NotFound', 'Not found');
  }

  function failureReply(failure: ScriptedFailure): SimReply {
    const code =
      failure.status === 429 ? 'TooManyRequests' : failure.status === 503 ? 'ServiceUnavailable' : 'generalException';
    return graphError(failure.status, code, `Simulated failure (HTTP ${failure.status})`, retryAfterHeader(failure));
  }

  return {
    handle,
    failureReply,
    /** Makes every issued token expired, as if its hour had passed. */
    expireTokens: () => {
      for (const token of tokens.keys()) tokens.set(token, 0);
    },
    tokensIssued: () => tokensIssued,
  };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
