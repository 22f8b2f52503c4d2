import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { execute, GraphQLError, Kind, parse, validate, type DocumentNode } from 'graphql';
import { buildFailedCheckEnvelope, buildTestEnvelope, type CiiEnvelope } from './envelopes.ts';
import { createFaultQueue, type Fault } from './faults.ts';
import { createCiiRootValue, SimGraphqlError } from './resolvers.ts';
import { buildCiiSchema } from './schema.ts';
import { seedIntegrations, seedUsers, type SimIntegrationStatus, type SimUser } from './seed.ts';
import { createTokenIssuer } from './tokens.ts';
import { createWebhookRegistry, type RegisteredWebhook } from './webhook-registry.ts';

export { buildFailedCheckEnvelope, buildTestEnvelope } from './envelopes.ts';
export type { CiiEnvelope } from './envelopes.ts';
export type { Fault } from './faults.ts';
export type { RegisteredWebhook } from './webhook-registry.ts';

export interface CiiSimulatorOptions {
  port?: number;
  clientId?: string;
  clientSecret?: string;
  /** When set, the token request must carry exactly this audience; when unset, it must carry none. */
  audience?: string;
  tokenTtlSeconds?: number;
  users?: SimUser[];
  /** What `getIntegrationsStatus` answers; default the seed's. */
  integrations?: readonly SimIntegrationStatus[];
  /** Default true; false serves a schema without `getIntegrationsStatus`. */
  withIntegrationsStatus?: boolean;
  /** Serves `getEndUserState` with this argument name instead of `login`. */
  endUserStateArgument?: string;
}

export interface SimRequest {
  kind: 'token' | 'graphql';
  /** Top-level fields of the executed operation; empty for token requests and unparseable queries. */
  rootFields: string[];
  variables: Record<string, unknown>;
  status: number;
  /** Including any injected delay or latency. */
  durationMs: number;
  /** Epoch ms when the request arrived. */
  at: number;
  /** The same to a fraction of a millisecond (`performance.timeOrigin` based), to place the call on a client's timeline. */
  arrivedAt: number;
}

export interface DeliveryResult {
  endpoint: string;
  /** 0 when the target could not be reached (the body then holds the error). */
  status: number;
  body: string;
}

export interface FailedCheckDelivery {
  checkId: string;
  logins: string[];
  severity?: string;
  /** `single`: one envelope per user, with `detail.login`. */
  shape?: 'batched' | 'single';
  /** When set, used for every envelope of this call (as a redelivery would). */
  findingId?: string;
  envelopeId?: string;
}

export interface CiiSimulator {
  url: string;
  tokenUrl: string;
  apiUrl: string;
  credentials: { clientId: string; clientSecret: string; audience?: string };
  /** What the console's "Copy all" puts on the clipboard for this API client (key spelling: our guess). */
  copyAll: string;
  requests: SimRequest[];
  graphqlCalls(rootField?: string): SimRequest[];
  tokensIssued(): number;
  inject(fault: Fault): void;
  setLatency(ms: number): void;
  clearFaults(): void;
  revokeTokens(): void;
  webhooks(): RegisteredWebhook[];
  deliverFailedCheck(input: FailedCheckDelivery): Promise<DeliveryResult[]>;
  deliverTest(): Promise<DeliveryResult[]>;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const MAX_BODY_BYTES = 1024 * 1024;
/** EventBridge API destinations give up on a target after 5 s. */
const DELIVERY_TIMEOUT_MS = 5000;
const unauthorized: Answer = {
  status: 401,
  body: { errors: [{ errorType: 'UnauthorizedException', message: 'Unauthorized' }] },
};

async function readJson(req: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return { ok: false };
    chunks.push(chunk);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

function faultAnswer(fault: Fault, target: 'token' | 'graphql'): Answer | undefined {
  const headers: Record<string, string> =
    fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
  if (fault.status !== undefined) {
    const status = fault.status;
    if (target === 'token') {
      const error = status === 429 ? 'too_many_requests' : status >= 500 ? 'server_error' : 'access_denied';
      return { status, headers, body: { error, error_description: `Simulated HTTP ${status}` } };
    }
    if (status === 401) return { ...unauthorized, headers };
    const [errorType, message] =
      status === 429
        ? ['TooManyRequestsException', 'Rate exceeded']
        : status >= 500
          ? ['InternalFailure', 'Internal failure']
          : ['BadRequestException', `Simulated HTTP ${status}`];
    return { status, headers, body: { errors: [{ errorType, message }] } };
  }
  if (target === 'graphql' && fault.graphqlErrors) {
    return { status: 200, headers, body: { data: null, errors: fault.graphqlErrors } };
  }
  return undefined;
}

function rootFieldsOf(document: DocumentNode, operationName: unknown): string[] {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation =
    typeof operationName === 'string' ? operations.find((o) => o.name?.value === operationName) : operations[0];
  return (operation?.selectionSet.selections ?? []).flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
}

/** AppSync's error shape: errorType beside message, data and errorInfo null. */
function formatExecutionError(error: GraphQLError) {
  const original = error.originalError;
  return {
    message: error.message,
    errorType: original instanceof SimGraphqlError ? original.errorType : 'ExecutionError',
    path: error.path ?? null,
    locations: error.locations ?? null,
    data: null,
    errorInfo: null,
  };
}

const requestErrors = (errors: readonly GraphQLError[], errorType: string): Answer => ({
  status: 400,
  body: { errors: errors.map((e) => ({ message: e.message, errorType, locations: e.locations ?? null })) },
});

async function deliver(target: RegisteredWebhook, envelope: CiiEnvelope): Promise<DeliveryResult> {
  try {
    const response = await fetch(target.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [target.apiKeyName]: target.apiKey },
      body: JSON.stringify(envelope),
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    return { endpoint: target.endpoint, status: response.status, body: await response.text() };
  } catch (error) {
    return { endpoint: target.endpoint, status: 0, body: error instanceof Error ? error.message : String(error) };
  }
}

/** Clients send the same few documents over and over: parse and validate each text once. */
const parsed = new Map<string, DocumentNode>();
function parseCached(query: string): DocumentNode {
  let document = parsed.get(query);
  if (!document) {
    document = parse(query);
    if (parsed.size < 500) parsed.set(query, document);
  }
  return document;
}

export async function startCiiSimulator(options: CiiSimulatorOptions = {}): Promise<CiiSimulator> {
  const credentials = {
    clientId: options.clientId ?? 'sim-client',
    clientSecret: options.clientSecret ?? 'sim-secret',
    ...(options.audience === undefined ? {} : { audience: options.audience }),
  };
  const users = options.users ?? seedUsers;
  const schema = buildCiiSchema({
    withIntegrationsStatus: options.withIntegrationsStatus ?? true,
    endUserStateArgument: options.endUserStateArgument,
  });
  const validated = new WeakMap<DocumentNode, readonly GraphQLError[]>();
  const validateCached = (document: DocumentNode): readonly GraphQLError[] => {
    let errors = validated.get(document);
    if (!errors) {
      errors = validate(schema, document);
      validated.set(document, errors);
    }
    return errors;
  };
  const tokens = createTokenIssuer({ ...credentials, ttlSeconds: options.tokenTtlSeconds ?? 36000 });
  const faults = createFaultQueue();
  const registry = createWebhookRegistry();
  const rootValue = createCiiRootValue({
    users,
    integrations: options.integrations ?? seedIntegrations,
    webhooks: registry,
  });
  const requests: SimRequest[] = [];
  let latencyMs = 0;

  async function answerToken(req: IncomingMessage): Promise<Answer> {
    const body = await readJson(req);
    const fault = faults.take('token');
    if (fault?.delayMs) await sleep(fault.delayMs);
    const faulty = fault && faultAnswer(fault, 'token');
    if (faulty) return faulty;
    if (!body.ok) return { status: 400, body: { error: 'invalid_request', error_description: 'Body must be JSON' } };
    return tokens.issue(body.value);
  }

  async function answerGraphql(req: IncomingMessage, record: SimRequest): Promise<Answer> {
    const fault = faults.take('graphql');
    const delay = latencyMs + (fault?.delayMs ?? 0);
    if (delay > 0) await sleep(delay);
    const body = await readJson(req);
    const payload = (body.ok && body.value && typeof body.value === 'object' ? body.value : {}) as Record<
      string,
      unknown
    >;
    const variables =
      payload.variables && typeof payload.variables === 'object' ? (payload.variables as Record<string, unknown>) : {};
    record.variables = variables;

    let document: DocumentNode | undefined;
    let syntaxError: GraphQLError | undefined;
    if (typeof payload.query === 'string') {
      try {
        document = parseCached(payload.query);
        record.rootFields = rootFieldsOf(document, payload.operationName);
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        syntaxError = error;
      }
    }

    const faulty = fault && faultAnswer(fault, 'graphql');
    if (faulty) return faulty;
    if (!tokens.isValid(req.headers.authorization)) return unauthorized;
    if (!body.ok || typeof payload.query !== 'string') {
      return {
        status: 400,
        body: {
          errors: [{ errorType: 'MalformedHttpRequestException', message: 'Expected a JSON body with a query' }],
        },
      };
    }
    if (!document) return requestErrors(syntaxError ? [syntaxError] : [], 'InvalidSyntax');
    const invalid = validateCached(document);
    if (invalid.length > 0) return requestErrors(invalid, 'ValidationError');

    const result = await execute({
      schema,
      document,
      rootValue,
      variableValues: variables,
      operationName: typeof payload.operationName === 'string' ? payload.operationName : undefined,
    });
    // No `data` key means the request itself was rejected (e.g. a missing variable), as opposed to a resolver error.
    if (!('data' in result)) return requestErrors(result.errors ?? [], 'ValidationError');
    const errors = result.errors?.map(formatExecutionError);
    return { status: 200, body: errors ? { data: result.data ?? null, errors } : { data: result.data } };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const path = new URL(req.url ?? '/', 'http://sim').pathname;
    const kind =
      req.method === 'POST' && path === '/oauth/token'
        ? 'token'
        : req.method === 'POST' && path === '/graphql'
          ? 'graphql'
          : undefined;
    if (!kind) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Not found' }));
      return;
    }
    const record: SimRequest = {
      kind,
      rootFields: [],
      variables: {},
      status: 0,
      durationMs: 0,
      at: Date.now(),
      arrivedAt: performance.timeOrigin + started,
    };
    const answer = kind === 'token' ? await answerToken(req) : await answerGraphql(req, record);
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(JSON.stringify(answer.body));
    record.status = answer.status;
    record.durationMs = performance.now() - started;
    requests.push(record);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ errorType: 'InternalFailure', message: String(error) }] }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const deliverToSubscribers = (checkId: string, envelopes: CiiEnvelope[]) => {
    const targets = registry.apiKeyTargets().filter((t) => t.checkIds.includes(checkId));
    return Promise.all(targets.flatMap((target) => envelopes.map((envelope) => deliver(target, envelope))));
  };

  return {
    url,
    tokenUrl: `${url}/oauth/token`,
    apiUrl: `${url}/graphql`,
    credentials,
    copyAll: JSON.stringify({
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      tokenUrl: `${url}/oauth/token`,
      apiUrl: `${url}/graphql`,
      ...(credentials.audience === undefined ? {} : { audience: credentials.audience }),
    }),
    requests,
    graphqlCalls: (rootField) =>
      requests.filter((r) => r.kind === 'graphql' && (rootField === undefined || r.rootFields.includes(rootField))),
    tokensIssued: () => tokens.issuedCount(),
    inject: (fault) => faults.push(fault),
    setLatency: (ms) => {
      latencyMs = ms;
    },
    clearFaults: () => faults.clear(),
    revokeTokens: () => tokens.revokeAll(),
    webhooks: () => registry.apiKeyTargets(),
    deliverFailedCheck: (input) => {
      const base = { ...input, users };
      const envelopes =
        input.shape === 'single'
          ? input.logins.map((login) => buildFailedCheckEnvelope({ ...base, logins: [login] }))
          : [buildFailedCheckEnvelope(base)];
      return deliverToSubscribers(input.checkId, envelopes);
    },
    deliverTest: async () => {
      const envelope = buildTestEnvelope();
      return Promise.all(registry.apiKeyTargets().map((target) => deliver(target, envelope)));
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
