// Authentication, authorization and TLS as clients see them: the admin kubeconfig, 401 without a
// token, health endpoints without auth, `kubectl auth can-i`.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { raw } from '../helpers/https.js';
import { Kubectl } from '../helpers/kubectl.js';
import { useControlPlane } from '../helpers/suite.js';

const s = useControlPlane();
const k = () => s.kubectl('1.32');

describe('admin kubeconfig', () => {
  it('is private and names cluster, user and context skiff', async () => {
    expect((await stat(s.cp.kubeconfig)).mode & 0o777).toBe(0o600);
    expect((await k().ok(['config', 'current-context'])).trim()).toBe('skiff');
    const view = JSON.parse(await k().ok(['config', 'view', '--raw', '-o', 'json']));
    expect(view.clusters.map((c: any) => c.name)).toEqual(['skiff']);
    expect(view.users.map((u: any) => u.name)).toEqual(['skiff']);
    expect(view.clusters[0].cluster.server).toBe(s.cp.server);
    expect(view.clusters[0].cluster['certificate-authority-data']).toBeTruthy();
    expect(view.users[0].user.token).toBeTruthy();
  });

  it('reaches the server over verified TLS', async () => {
    const out = await k().ok(['version', '-o', 'json']);
    const v = JSON.parse(out);
    expect(v.serverVersion.gitVersion).toMatch(/^v1\.3\d\.\d+/);
    expect(v.serverVersion.major).toBe('1');
    const info = await k().ok(['cluster-info']);
    expect(info).toContain('Kubernetes control plane');
    expect(info).toContain(s.cp.server);
  });

  it('serves a certificate valid for localhost too', async () => {
    const r = await raw(s.cp, { path: '/api', host: 'localhost' });
    expect(r.status).toBe(200);
    expect(r.json.kind).toBe('APIVersions');
  });
});

describe('authentication', () => {
  it('answers the health and version endpoints without a token', async () => {
    for (const path of ['/healthz', '/livez', '/readyz']) {
      const r = await raw(s.cp, { path, token: null });
      expect(r.status, path).toBe(200);
      expect(r.body).toBe('ok');
    }
    const v = await raw(s.cp, { path: '/version', token: null });
    expect(v.status).toBe(200);
    expect(v.json).toMatchObject({ major: '1' });
    expect(v.json.gitVersion).toMatch(/^v1\.3\d\./);
    for (const key of ['gitCommit', 'gitTreeState', 'buildDate', 'goVersion', 'compiler', 'platform']) {
      expect(v.json, key).toHaveProperty(key);
    }
  });

  it('answers 401 to a request without a token', async () => {
    const r = await raw(s.cp, { path: '/api/v1/namespaces', token: null });
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 });
  });

  it('answers 401 to a wrong token, for every verb', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const r = await raw(s.cp, {
        method, path: '/api/v1/namespaces/default/configmaps', token: 'not-the-token',
        body: method === 'POST' ? '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}' : undefined,
        headers: { 'Content-Type': 'application/json' },
      });
      expect(r.status, method).toBe(401);
    }
  });

  it('kubectl with a wrong token is told to log in', async () => {
    const text = await readFile(s.cp.kubeconfig, 'utf8');
    const { token } = await s.cp.credentials();
    const bad = await s.cp.path('bad-kubeconfig');
    await writeFile(bad, text.replace(token, 'wrong-token'), { mode: 0o600 });
    const kb = new Kubectl({ kubeconfig: bad, version: '1.32', cacheDir: await s.cp.path('bad-cache') });
    const r = await kb.run(['get', 'pods']);
    expect(r.code).toBe(1);
    // Discovery fails first, so kubectl reports client-go's 401 text (as against a real cluster).
    expect(r.stderr).toMatch(/^error: You must be logged in to the server \((Unauthorized|the server has asked for the client to provide credentials)\)$/m);
  });
});

describe('authorization', () => {
  it('kubectl auth can-i answers yes for the admin', async () => {
    for (const args of [['create', 'deployments'], ['delete', 'pods', '-n', 'kube-system'], ['*', '*'], ['get', 'nodes'], ['list', 'secrets', '-A']]) {
      const r = await k().run(['auth', 'can-i', ...args]);
      expect(r.stdout.trim(), args.join(' ')).toBe('yes');
      expect(r.code).toBe(0);
    }
  });

  it('ships the upstream default cluster roles and bindings', async () => {
    const roles = await k().ok(['get', 'clusterroles', '-o', 'name']);
    for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:discovery', 'system:basic-user']) {
      expect(roles.split('\n')).toContain(`clusterrole.rbac.authorization.k8s.io/${name}`);
    }
    const binding = JSON.parse(await k().ok(['get', 'clusterrolebinding', 'cluster-admin', '-o', 'json']));
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' });
    expect(binding.subjects).toContainEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' });
  });
});
