// kubectl 1.32 patch: strategic merge (merge keys, directives), JSON merge, JSON patch, subresources.
import { API_SERVER_ONLY } from '../helpers/controlplane.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployment } from '../helpers/manifests.js';
import { useControlPlane } from '../helpers/suite.js';

// The API server alone: objects stay as the test wrote them (no controller acts on them).
const s = useControlPlane(API_SERVER_ONLY);
const k = () => s.kubectl('1.32');
const NS = 'pt';

async function dep(name = 'web'): Promise<any> {
  return JSON.parse(await k().ok(['get', 'deployment', name, '-n', NS, '-o', 'json']));
}

async function patch(target: string[], type: 'strategic' | 'merge' | 'json', body: unknown, extra: string[] = []): Promise<string> {
  return (await k().ok(['patch', ...target, '-n', NS, `--type=${type}`, '-p', JSON.stringify(body), ...extra])).trim();
}

beforeAll(async () => {
  await k().ok(['create', 'namespace', NS]);
  await k().ok(['apply', '-f', await s.file('web.yaml', deployment({ name: 'web', namespace: NS, replicas: 1 }))]);
});

describe('strategic merge patch', () => {
  it('merges containers by name', async () => {
    const out = await patch(['deployment', 'web'], 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'main', image: 'nginx:1.26' }] } } },
    });
    expect(out).toBe('deployment.apps/web patched');
    const c = (await dep()).spec.template.spec.containers;
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ name: 'main', image: 'nginx:1.26', ports: [{ containerPort: 80 }] });
  });

  it('is the default type and adds a second container', async () => {
    const out = (await k().ok(['patch', 'deployment', 'web', '-n', NS, '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.36"}]}}}}'])).trim();
    expect(out).toBe('deployment.apps/web patched');
    const names = (await dep()).spec.template.spec.containers.map((c: any) => c.name).sort();
    expect(names).toEqual(['main', 'sidecar']);
  });

  it('merges env by name and ports by containerPort', async () => {
    await patch(['deployment', 'web'], 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'main', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 443 }] }] } } },
    });
    await patch(['deployment', 'web'], 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'main', env: [{ name: 'B', value: 'two' }] }] } } },
    });
    const main = (await dep()).spec.template.spec.containers.find((c: any) => c.name === 'main');
    expect(main.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: 'two' }]);
    expect(main.ports.map((p: any) => p.containerPort).sort()).toEqual([443, 80]);
  });

  it('deletes a list element with $patch: delete', async () => {
    const out = await patch(['deployment', 'web'], 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } },
    });
    expect(out).toBe('deployment.apps/web patched');
    expect((await dep()).spec.template.spec.containers.map((c: any) => c.name)).toEqual(['main']);
  });

  it('removes a map key with null', async () => {
    await patch(['deployment', 'web'], 'strategic', { metadata: { labels: { gone: 'soon', kept: 'yes' } } });
    await patch(['deployment', 'web'], 'strategic', { metadata: { labels: { gone: null } } });
    expect((await dep()).metadata.labels).toEqual({ app: 'web', kept: 'yes' });
  });

  it('merges service ports by port', async () => {
    await k().ok(['create', 'service', 'clusterip', 'svc', '--tcp=80:8080', '-n', NS]);
    const out = await patch(['service', 'svc'], 'strategic', { spec: { ports: [{ name: 'https', port: 443, targetPort: 8443 }] } });
    expect(out).toBe('service/svc patched');
    const svc = JSON.parse(await k().ok(['get', 'service', 'svc', '-n', NS, '-o', 'json']));
    expect(svc.spec.ports.map((p: any) => p.port).sort()).toEqual([443, 80]);
  });

  it('says "(no change)" when nothing changes', async () => {
    const out = await patch(['deployment', 'web'], 'strategic', { spec: { replicas: 1 } });
    expect(out).toBe('deployment.apps/web patched (no change)');
  });
});

describe('JSON merge patch', () => {
  it('merges maps and replaces lists', async () => {
    const out = await patch(['deployment', 'web'], 'merge', {
      metadata: { labels: { merged: 'yes' } },
      spec: { replicas: 2, template: { spec: { containers: [{ name: 'only', image: 'busybox:1.36' }] } } },
    });
    expect(out).toBe('deployment.apps/web patched');
    const d = await dep();
    expect(d.metadata.labels).toEqual({ app: 'web', kept: 'yes', merged: 'yes' });
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['only']);
  });
});

describe('JSON patch', () => {
  it('applies operations in order', async () => {
    const out = await patch(['deployment', 'web'], 'json', [
      { op: 'replace', path: '/spec/replicas', value: 4 },
      { op: 'add', path: '/metadata/annotations', value: { 'json-patched': 'true' } },
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'busybox:1.37' },
    ]);
    expect(out).toBe('deployment.apps/web patched');
    const d = await dep();
    expect(d.spec.replicas).toBe(4);
    expect(d.metadata.annotations['json-patched']).toBe('true');
    expect(d.spec.template.spec.containers[0].image).toBe('busybox:1.37');
  });

  it('fails as a whole when a test operation fails', async () => {
    const before = await dep();
    const r = await k().run(['patch', 'deployment', 'web', '-n', NS, '--type=json', '-p', JSON.stringify([
      { op: 'replace', path: '/spec/replicas', value: 9 },
      { op: 'test', path: '/spec/replicas', value: 1 },
    ])]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/The request is invalid|Error from server/);
    const after = await dep();
    expect(after.spec.replicas).toBe(4);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });
});

describe('patch options', () => {
  it('patches the scale subresource', async () => {
    const out = await patch(['deployment', 'web'], 'merge', { spec: { replicas: 6 } }, ['--subresource=scale']);
    // kubectl names what the server returned: the Scale.
    expect(out).toBe('scale.autoscaling/web patched');
    expect((await dep()).spec.replicas).toBe(6);
  });

  it('patches the status subresource only', async () => {
    const out = await patch(['deployment', 'web'], 'merge', { status: { observedGeneration: 1 }, spec: { replicas: 1 } }, ['--subresource=status']);
    expect(out).toBe('deployment.apps/web patched');
    const d = await dep();
    expect(d.spec.replicas).toBe(6);
    expect(d.status.observedGeneration).toBe(1);
  });

  it('does not store a server dry run', async () => {
    const out = await patch(['deployment', 'web'], 'merge', { spec: { replicas: 9 } }, ['--dry-run=server']);
    expect(out).toMatch(/^deployment\.apps\/web patched/);
    expect((await dep()).spec.replicas).toBe(6);
  });

  it('rejects a patch that makes the object invalid', async () => {
    const r = await k().run(['patch', 'deployment', 'web', '-n', NS, '--type=merge', '-p', '{"spec":{"replicas":-1}}']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  });
});
