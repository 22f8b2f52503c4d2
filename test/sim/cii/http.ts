import type { CiiSimulator } from '../../../sim/cii/server.ts';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

export async function fetchToken(sim: CiiSimulator): Promise<string> {
  const { clientId, clientSecret, audience } = sim.credentials;
  const answer = await postJson(sim.tokenUrl, {
    client_id: clientId,
    client_secret: clientSecret,
    audience,
    grant_type: 'client_credentials',
  });
  if (answer.status !== 200) throw new Error(`token request failed with ${answer.status}`);
  return answer.body.access_token as string;
}

export function graphql(sim: CiiSimulator, token: string, query: string, variables: Record<string, unknown> = {}) {
  return postJson(sim.apiUrl, { query, variables }, { authorization: `Bearer ${token}` });
}
