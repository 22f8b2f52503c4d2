import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { envSchema } from '../src/config.ts';
import { SECRET_VARIABLES } from '../src/secret-files.ts';

// No Docker engine or cluster here: these check the shapes an operator relies on, against the app's own contract.
const root = join(import.meta.dirname, '..');
const KNOWN = new Set([...Object.keys(envSchema.shape), ...SECRET_VARIABLES.map((name) => `${name}_FILE`)]);
const SECRETS = new Set<string>(SECRET_VARIABLES);

interface ComposeService {
  image?: string;
  build?: string;
  deploy?: { replicas: number };
  depends_on?: unknown;
  healthcheck: { test: string[] };
  environment?: Record<string, string>;
  secrets?: string[];
  ports?: string[];
  stop_grace_period?: string;
}
interface Compose {
  services: Record<string, ComposeService>;
  secrets: Record<string, { file: string }>;
}
type Labels = Record<string, string>;
interface Probe {
  httpGet: { path: string; port: string };
}
interface Container {
  ports: Array<{ name: string; containerPort: number }>;
  env: Array<{ name: string; value: string }>;
  volumeMounts: Array<{ name: string; mountPath: string }>;
  livenessProbe: Probe;
  readinessProbe: Probe;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
}
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Labels; annotations?: Labels };
  data?: Labels;
  stringData?: Labels;
  spec: {
    replicas: number;
    minAvailable: number;
    selector: Labels & { matchLabels: Labels };
    ports: Array<{ targetPort: string }>;
    template: {
      metadata: { labels: Labels; annotations: Labels };
      spec: { containers: Container[]; volumes: Array<{ name: string; secret: { secretName: string } }> };
    };
  };
}

function expectOnlyKnownVariables(names: string[]) {
  expect(names.filter((n) => !KNOWN.has(n))).toEqual([]);
  expect(
    names.filter((n) => SECRETS.has(n)),
    'secrets come from files, not plain variables',
  ).toEqual([]);
}

describe('compose.yaml', () => {
  const compose = parse(readFileSync(join(root, 'compose.yaml'), 'utf8')) as Compose;
  const app = compose.services.app!;
  const appEnv = app.environment!;

  test('runs two app replicas on PostgreSQL, started once the database is healthy', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'postgres']);
    expect(app.deploy!.replicas).toBeGreaterThanOrEqual(2);
    expect(app.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(compose.services.postgres!.image).toMatch(/^postgres:\d+/);
    expect(app.build).toBe('.');
  });

  test('every service has a health check; the app reports ready only through /readyz on its port', () => {
    for (const service of Object.values(compose.services)) expect(service.healthcheck.test.length).toBeGreaterThan(1);
    expect(app.healthcheck.test.join(' ')).toContain(`127.0.0.1:${appEnv.PORT}/readyz`);
  });

  test('gives each secret as a file the service mounts, and sets no variable the app does not know', () => {
    const declared = compose.secrets;
    for (const [name, service] of Object.entries(compose.services)) {
      for (const secret of service.secrets ?? [])
        expect(declared[secret]?.file, `${name}: ${secret}`).toMatch(/^\.\/secrets\//);
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (key.endsWith('_FILE')) expect(service.secrets).toContain(String(value).replace('/run/secrets/', ''));
      }
    }
    expectOnlyKnownVariables(Object.keys(appEnv));
    // The app's required secrets all arrive as files.
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'CII_CLIENT_SECRET', 'DATABASE_URL'])
      expect(appEnv[`${name}_FILE`], name).toBeDefined();
  });

  test('keeps metrics off the published ports, and leaves time for a graceful stop', () => {
    expect(app.ports).toEqual([`3000-3001:${appEnv.PORT}`]);
    expect(appEnv.METRICS_PORT).not.toBe(appEnv.PORT);
    expect(parseInt(app.stop_grace_period ?? '0', 10)).toBeGreaterThanOrEqual(15);
  });
});

describe('Kubernetes manifests', () => {
  const dir = join(root, 'deploy/kubernetes');
  const docs = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as Manifest));
  const one = (kind: string) => {
    const found = docs.filter((d) => d.kind === kind);
    expect(found, kind).toHaveLength(1);
    return found[0]!;
  };
  const deployment = one('Deployment');
  const pod = deployment.spec.template;
  const container = pod.spec.containers[0]!;
  const env: Labels = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
  const portNamed = (name: string) => container.ports.find((p) => p.name === name)?.containerPort;

  test('every document has an apiVersion, a kind and a name', () => {
    for (const doc of docs) expect([doc.apiVersion, doc.kind, doc.metadata?.name].every(Boolean)).toBe(true);
  });

  test('the Deployment, Service and PodDisruptionBudget select the same pods', () => {
    const labels = pod.metadata.labels;
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    for (const selector of [
      deployment.spec.selector.matchLabels,
      one('Service').spec.selector,
      one('PodDisruptionBudget').spec.selector.matchLabels,
    ])
      expect(labels).toMatchObject(selector);
    expect(one('PodDisruptionBudget').spec.minAvailable).toBeLessThan(deployment.spec.replicas);
  });

  test('probes: liveness on /healthz, readiness on /readyz, on the app port the Service targets', () => {
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(portNamed('http')).toBe(Number(env.PORT));
    expect(one('Service').spec.ports.map((p) => p.targetPort)).toEqual(['http']);
  });

  test('sets resource requests and a memory limit', () => {
    expect(container.resources.requests).toMatchObject({
      cpu: expect.any(String) as string,
      memory: expect.any(String) as string,
    });
    expect(container.resources.limits.memory).toMatch(/^\d+Mi$/);
  });

  test('secrets are files from the Secret, each key it mounts exists, and no variable is unknown to the app', () => {
    const mount = container.volumeMounts.find((m) => m.name === 'secrets')!;
    const volume = pod.spec.volumes.find((v) => v.name === 'secrets')!;
    const secret = one('Secret');
    expect(volume.secret.secretName).toBe(secret.metadata.name);
    for (const [name, value] of Object.entries(env).filter(([n]) => n.endsWith('_FILE'))) {
      expect(value, name).toMatch(new RegExp(`^${mount.mountPath}/`));
      expect(Object.keys(secret.stringData ?? {})).toContain(value.slice(mount.mountPath.length + 1));
    }
    expectOnlyKnownVariables([...Object.keys(env), ...Object.keys(one('ConfigMap').data ?? {})]);
  });

  test('metrics are scraped from their own pod port, which the Service does not expose', () => {
    const annotations = pod.metadata.annotations;
    expect(Number(annotations['prometheus.io/port'])).toBe(portNamed('metrics'));
    expect(portNamed('metrics')).toBe(Number(env.METRICS_PORT));
    expect(one('Service').spec.ports.some((p) => p.targetPort === 'metrics')).toBe(false);
  });
});
