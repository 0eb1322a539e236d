// Bad input: malformed YAML/JSON, unknown fields under strict validation, invalid objects, kind
// mismatches and oversized bodies. Nothing is stored and the server keeps serving.
import { beforeAll, describe, expect, it } from 'vitest';
import { raw } from '../helpers/https.js';
import { useControlPlane } from '../helpers/suite.js';

const s = useControlPlane();
const k = () => s.kubectl('1.32');
const NS = 'bad';
const CM_PATH = `/api/v1/namespaces/${NS}/configmaps`;

beforeAll(async () => {
  await k().ok(['create', 'namespace', NS]);
});

async function configMapNames(): Promise<string[]> {
  const out = await k().ok(['get', 'configmaps', '-n', NS, '-o', 'name']);
  return out.split('\n').filter(Boolean);
}

describe('malformed input', () => {
  it('kubectl rejects malformed YAML', async () => {
    const file = await s.file('broken.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\ndata: {}\n');
    const r = await k().run(['create', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error converting YAML to JSON: yaml: line \d+: did not find expected ',' or ']'/);
  });

  it('the server answers 400 to malformed JSON', async () => {
    const r = await raw(s.cp, { method: 'POST', path: CM_PATH, body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"', headers: { 'Content-Type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 400, reason: 'BadRequest' });
  });

  it('the server answers 400 to malformed YAML', async () => {
    const r = await raw(s.cp, { method: 'POST', path: CM_PATH, body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n', headers: { 'Content-Type': 'application/yaml' } });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ kind: 'Status', code: 400 });
  });

  it('the server answers 400 to malformed protobuf', async () => {
    const body = Buffer.concat([Buffer.from('k8s\0'), Buffer.from([0x0a, 0xff, 0xff, 0x01, 0x02])]);
    const r = await raw(s.cp, { method: 'POST', path: CM_PATH, body, headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' } });
    expect(r.status).toBe(400);
  });

  it('the server answers 400 when the kind does not match the URL', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mismatch' } });
    const r = await raw(s.cp, { method: 'POST', path: CM_PATH, body, headers: { 'Content-Type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ kind: 'Status', code: 400, reason: 'BadRequest' });
    expect(await configMapNames()).not.toContain('configmap/mismatch');
  });
});

describe('field validation', () => {
  it('reports an unknown field under the default strict validation', async () => {
    const file = await s.file('unknown.yaml', `apiVersion: v1
kind: ConfigMap
metadata:
  name: strict-cm
  namespace: ${NS}
spec:
  nope: 1
data:
  a: b
`);
    const r = await k().run(['create', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Error from server (BadRequest): error when creating "${file}": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec"`);
    expect(await configMapNames()).not.toContain('configmap/strict-cm');
  });

  it('reports a nested unknown field with its path', async () => {
    const file = await s.file('unknown-deploy.yaml', `apiVersion: apps/v1
kind: Deployment
metadata:
  name: strict-deploy
  namespace: ${NS}
spec:
  selector:
    matchLabels: {app: x}
  template:
    metadata:
      labels: {app: x}
    spec:
      containers:
      - name: main
        image: nginx
        imagee: typo
`);
    const r = await k().run(['apply', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('strict decoding error: unknown field "spec.template.spec.containers[0].imagee"');
  });

  it('warns but stores under --validate=warn', async () => {
    const file = await s.file('warn.yaml', `apiVersion: v1
kind: ConfigMap
metadata:
  name: warn-cm
  namespace: ${NS}
bogus: true
`);
    const r = await k().run(['create', '-f', file, '--validate=warn']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('configmap/warn-cm created');
    expect(r.stderr).toMatch(/Warning: unknown field "bogus"/);
  });
});

describe('invalid objects', () => {
  it('rejects an invalid name with the upstream message', async () => {
    const file = await s.file('badname.yaml', `apiVersion: v1
kind: ConfigMap
metadata:
  name: Bad_Name
  namespace: ${NS}
`);
    const r = await k().run(['create', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`);
  });

  it('rejects a deployment without a selector', async () => {
    const file = await s.file('nosel.yaml', `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nosel
  namespace: ${NS}
spec:
  template:
    metadata:
      labels: {app: x}
    spec:
      containers:
      - name: main
        image: nginx
`);
    const r = await k().run(['create', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/The Deployment "nosel" is invalid: [\s\S]*spec\.selector: Required value/);
    const get = await k().run(['get', 'deployment', 'nosel', '-n', NS]);
    expect(get.stderr.trim()).toBe('Error from server (NotFound): deployments.apps "nosel" not found');
  });

  it('rejects a pod without containers', async () => {
    const r = await k().run(['create', '-f', '-'], {
      stdin: `apiVersion: v1\nkind: Pod\nmetadata:\n  name: empty\n  namespace: ${NS}\nspec:\n  containers: []\n`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The Pod "empty" is invalid: spec.containers: Required value');
  });
});

describe('oversized bodies', () => {
  const big = (name: string) => JSON.stringify({
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data: { blob: 'x'.repeat(3.5 * 1024 * 1024) },
  });

  it('answers 413 to a body over 3 MiB', async () => {
    const r = await raw(s.cp, { method: 'POST', path: CM_PATH, body: big('huge'), headers: { 'Content-Type': 'application/json' } });
    expect(r.status).toBe(413);
    expect(r.json).toMatchObject({ kind: 'Status', code: 413, reason: 'RequestEntityTooLarge', message: 'Request entity too large: limit is 3145728' });
  });

  it('kubectl reports it and nothing is stored', async () => {
    const file = await s.file('huge.json', big('huge2'));
    const r = await k().run(['create', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Error from server (RequestEntityTooLarge): error when creating "${file}": Request entity too large: limit is 3145728`);
    const names = await configMapNames();
    expect(names).not.toContain('configmap/huge');
    expect(names).not.toContain('configmap/huge2');
    const health = await raw(s.cp, { path: '/healthz', token: null });
    expect(health.status).toBe(200);
  });
});
