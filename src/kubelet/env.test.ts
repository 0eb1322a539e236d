import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { ContainerConfigError, expand, expandCommand, fieldValue, formatMap, makeEnvironment, mappingFor, resourceValue, serviceEnv, type PodObjects } from './env.js';
import { MemoryObjects } from './memobjects.js';
import type { Json } from './podstatus.js';

function pod(spec: Json = {}, meta: Partial<KubeObject['metadata']> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1', ...meta }, spec: { nodeName: 'n1', serviceAccountName: 'builder', ...spec } };
}

const ctx = (objects: PodObjects) => ({ podIP: '10.244.0.7', hostIP: '192.168.1.10', objects, allocatable: { cpu: '4', memory: '8Gi', 'ephemeral-storage': '100Gi' } });

describe('expand ($(VAR) as the kubelet expands it)', () => {
  const mapping = mappingFor(new Map([['VAR_A', 'A'], ['VAR_B', 'B'], ['VAR_EMPTY', '']]));
  it.each([
    ['$(VAR_A)', 'A'],
    ['___$(VAR_A)___', '___A___'],
    ['$(VAR_A)-$(VAR_B)', 'A-B'],
    ['$(VAR_EMPTY)', ''],
    ['$(UNKNOWN)', '$(UNKNOWN)'],
    ['$$(VAR_A)', '$(VAR_A)'],
    ['$$$(VAR_A)', '$A'],
    ['$$$$(VAR_A)', '$$(VAR_A)'],
    ['$(VAR_A', '$(VAR_A'],
    ['$VAR_A', '$VAR_A'],
    ['trailing $', 'trailing $'],
    ['$()', '$()'],
    ['f000-$$VAR_A', 'f000-$VAR_A'],
  ])('%s → %s', (input, out) => {
    expect(expand(input, mapping)).toBe(out);
  });
});

describe('fieldValue and resourceValue (downward API)', () => {
  const p = pod({}, { labels: { app: 'web', tier: 'front' }, annotations: { note: 'say "hi"' } });
  it('reads metadata, spec and status fields', () => {
    expect(fieldValue(p, 'metadata.name', '10.244.0.7', '192.168.1.10')).toBe('web-1');
    expect(fieldValue(p, 'metadata.namespace', '', '')).toBe('shop');
    expect(fieldValue(p, 'metadata.uid', '', '')).toBe('u-1');
    expect(fieldValue(p, "metadata.labels['app']", '', '')).toBe('web');
    expect(fieldValue(p, "metadata.annotations['note']", '', '')).toBe('say "hi"');
    expect(fieldValue(p, 'spec.nodeName', '', '')).toBe('n1');
    expect(fieldValue(p, 'spec.serviceAccountName', '', '')).toBe('builder');
    expect(fieldValue(p, 'status.podIP', '10.244.0.7', '192.168.1.10')).toBe('10.244.0.7');
    expect(fieldValue(p, 'status.podIPs', '10.244.0.7', '192.168.1.10')).toBe('10.244.0.7');
    expect(fieldValue(p, 'status.hostIP', '10.244.0.7', '192.168.1.10')).toBe('192.168.1.10');
    expect(fieldValue(p, 'metadata.labels', '', '')).toBe('app="web"\ntier="front"');
    expect(() => fieldValue(p, 'spec.bogus', '', '')).toThrow(ContainerConfigError);
  });

  it('formats maps sorted, values quoted', () => {
    expect(formatMap({ b: '2', a: 'x"y' })).toBe('a="x\\"y"\nb="2"');
  });

  it('divides resources by the divisor, rounding up, and reads the node for missing limits', () => {
    const c: Json = { name: 'app', resources: { limits: { cpu: '250m', memory: '64Mi' }, requests: { cpu: '100m', memory: '32Mi' } } };
    const alloc = { cpu: '4', memory: '8Gi' };
    expect(resourceValue(p, c, { resource: 'limits.cpu' }, alloc)).toBe('1');
    expect(resourceValue(p, c, { resource: 'limits.cpu', divisor: '1m' }, alloc)).toBe('250');
    expect(resourceValue(p, c, { resource: 'requests.memory' }, alloc)).toBe(String(32 * 1024 * 1024));
    expect(resourceValue(p, c, { resource: 'limits.memory', divisor: '1Mi' }, alloc)).toBe('64');
    expect(resourceValue(p, { name: 'x' }, { resource: 'limits.memory', divisor: '1Gi' }, alloc)).toBe('8');
    expect(resourceValue(p, { name: 'x' }, { resource: 'limits.cpu' }, alloc)).toBe('4');
    expect(resourceValue(p, { name: 'x' }, { resource: 'requests.cpu' }, alloc)).toBe('0');
    expect(() => resourceValue(p, c, { resource: 'limits.gpu' }, alloc)).toThrow('unsupported container resource : limits.gpu');
  });
});

describe('serviceEnv', () => {
  it('makes the service and docker-link variables of each Service', () => {
    const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'my-db' }, spec: { clusterIP: '10.96.0.20', ports: [{ name: 'sql', port: 5432, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] } };
    const headless: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'h' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } };
    expect(Object.fromEntries(serviceEnv([svc, headless]))).toEqual({
      MY_DB_SERVICE_HOST: '10.96.0.20',
      MY_DB_SERVICE_PORT: '5432',
      MY_DB_SERVICE_PORT_SQL: '5432',
      MY_DB_PORT: 'tcp://10.96.0.20:5432',
      MY_DB_PORT_5432_TCP: 'tcp://10.96.0.20:5432',
      MY_DB_PORT_5432_TCP_PROTO: 'tcp',
      MY_DB_PORT_5432_TCP_PORT: '5432',
      MY_DB_PORT_5432_TCP_ADDR: '10.96.0.20',
      MY_DB_PORT_53_UDP: 'udp://10.96.0.20:53',
      MY_DB_PORT_53_UDP_PROTO: 'udp',
      MY_DB_PORT_53_UDP_PORT: '53',
      MY_DB_PORT_53_UDP_ADDR: '10.96.0.20',
    });
  });
});

describe('makeEnvironment', () => {
  const objects = () => new MemoryObjects()
    .addConfigMap('shop', 'cfg', { greeting: 'hello', color: 'blue' })
    .addSecret('shop', 'sec', { password: 's3cret' })
    .addService('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443, protocol: 'TCP' }])
    .addService('default', 'other', '10.96.0.9', [{ port: 80 }])
    .addService('shop', 'cart', '10.96.0.30', [{ port: 8080, protocol: 'TCP' }]);

  it('applies envFrom (with prefixes), then env, with $(VAR) from earlier variables and services', async () => {
    const c: Json = {
      name: 'app',
      envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }, { secretRef: { name: 'sec' } }],
      env: [
        { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'greeting' } } },
        { name: 'password', value: 'overridden' },
        { name: 'MSG', value: '$(GREETING) $(CFG_color) $(CART_SERVICE_HOST) $(LATER)' },
        { name: 'LATER', value: 'x' },
        { name: 'NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'EMPTY' },
      ],
    };
    const env = await makeEnvironment(pod(), c, ctx(objects()));
    const map = Object.fromEntries(env.map((e) => [e.name, e.value]));
    expect(map).toMatchObject({
      CFG_greeting: 'hello', CFG_color: 'blue', password: 'overridden', GREETING: 'hello',
      MSG: 'hello blue 10.96.0.30 $(LATER)', LATER: 'x', NAME: 'web-1', EMPTY: '',
      KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443', KUBERNETES_SERVICE_PORT_HTTPS: '443',
      CART_SERVICE_HOST: '10.96.0.30', CART_PORT: 'tcp://10.96.0.30:8080',
    });
    // Other namespaces' Services are not linked, except the kubernetes Service.
    expect(map.OTHER_SERVICE_HOST).toBeUndefined();
    expect(env.slice(0, 3).map((e) => e.name)).toEqual(['CFG_greeting', 'CFG_color', 'password']);
  });

  it('links only the kubernetes Service when enableServiceLinks is false', async () => {
    const env = await makeEnvironment(pod({ enableServiceLinks: false }), { name: 'app' }, ctx(objects()));
    const names = env.map((e) => e.name);
    expect(names).toContain('KUBERNETES_SERVICE_HOST');
    expect(names).not.toContain('CART_SERVICE_HOST');
  });

  it('skips optional sources and keys that are missing', async () => {
    const c: Json = {
      name: 'app',
      envFrom: [{ configMapRef: { name: 'absent', optional: true } }],
      env: [
        { name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nope', optional: true } } },
        { name: 'B', valueFrom: { secretKeyRef: { name: 'absent', key: 'k', optional: true } } },
      ],
    };
    const env = await makeEnvironment(pod({ enableServiceLinks: false }), c, ctx(new MemoryObjects()));
    expect(env).toEqual([]);
  });

  it('fails with the kubelet\'s messages for a missing source or key', async () => {
    const run = (env: Json[], envFrom: Json[] = []) => makeEnvironment(pod(), { name: 'app', env, envFrom }, ctx(objects()));
    await expect(run([{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nope' } } }])).rejects.toThrow("couldn't find key nope in ConfigMap shop/cfg");
    await expect(run([{ name: 'A', valueFrom: { secretKeyRef: { name: 'sec', key: 'nope' } } }])).rejects.toThrow("couldn't find key nope in Secret shop/sec");
    await expect(run([{ name: 'A', valueFrom: { secretKeyRef: { name: 'gone', key: 'k' } } }])).rejects.toThrow('secret "gone" not found');
    await expect(run([], [{ configMapRef: { name: 'gone' } }])).rejects.toThrow(new ContainerConfigError('configmap "gone" not found'));
  });

  it('expands command and args from the final environment', () => {
    expect(expandCommand(['echo', '$(A)', '$$(A)', '$(B)'], [{ name: 'A', value: '1' }])).toEqual(['echo', '1', '$(A)', '$(B)']);
  });
});
