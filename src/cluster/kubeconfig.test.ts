import { execFile, execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode, UserError } from './errors.js';
import { clusterServer, kubeconfigPath, mergeKubeconfig, removeFromKubeconfig, renderKubeconfig, type KubeconfigEntry } from './kubeconfig.js';

const run = promisify(execFile);
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function entry(name: string, port = 40000): KubeconfigEntry {
  return { name, server: `https://127.0.0.1:${port}`, caPem: CA, token: `token-${name}` };
}

type Named = { name: string; [k: string]: unknown };
type Doc = { clusters: Named[]; users: Named[]; contexts: Named[]; 'current-context'?: string; [k: string]: unknown };

function read(path: string): Doc {
  return yaml.load(readFileSync(path, 'utf8')) as Doc;
}

const names = (list: Named[]) => list.map((e) => e.name);

// A kubeconfig as kubectl and other tools leave it: other clusters, exec credentials, extensions.
const OTHER = `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: https://prod.example:6443
    certificate-authority: /etc/prod/ca.crt
    extensions:
    - name: client.authentication.k8s.io/exec
      extension: {audience: prod}
users:
- name: prod-admin
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: get-token
      args: [--cluster, prod]
contexts:
- name: prod
  context: {cluster: prod, user: prod-admin, namespace: payments}
current-context: prod
preferences: {colors: true}
x-unknown-field: {keep: me, when: 2024-01-01}
`;

let dir: string;
let savedKubeconfig: string | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-kubeconfig-'));
  savedKubeconfig = process.env.KUBECONFIG;
});
afterEach(() => {
  if (savedKubeconfig === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = savedKubeconfig;
  rmSync(dir, { recursive: true, force: true });
});

describe('kubeconfigPath', () => {
  it('is the first non-empty $KUBECONFIG entry, else ~/.kube/config', () => {
    process.env.KUBECONFIG = `:${dir}/a:${dir}/b`;
    expect(kubeconfigPath()).toBe(`${dir}/a`);
    process.env.KUBECONFIG = 'rel/config';
    expect(kubeconfigPath()).toBe(resolve('rel/config'));
    delete process.env.KUBECONFIG;
    expect(kubeconfigPath()).toMatch(/\/\.kube\/config$/);
  });
});

describe('clusterServer', () => {
  it('reads the server of the named cluster entry; none for a missing entry, file or unreadable file', async () => {
    const path = join(dir, 'config');
    expect(clusterServer('skiff', { path })).toBeUndefined();
    writeFileSync(path, OTHER);
    await mergeKubeconfig(entry('skiff', 40000), { path });
    expect(clusterServer('skiff', { path })).toBe('https://127.0.0.1:40000');
    expect(clusterServer('nosuch', { path })).toBeUndefined();
    writeFileSync(path, 'clusters: [unclosed');
    expect(clusterServer('skiff', { path })).toBeUndefined();
  });
});

describe('mergeKubeconfig', () => {
  it('creates a missing file (and its folder) with mode 0600', async () => {
    const path = join(dir, 'nested', '.kube', 'config');
    expect(await mergeKubeconfig(entry('skiff'), { path })).toBe(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(read(path)).toEqual(yaml.load(renderKubeconfig(entry('skiff'))));
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('writes into $KUBECONFIG when no path is given', async () => {
    process.env.KUBECONFIG = `${dir}/first:${dir}/second`;
    await mergeKubeconfig(entry('skiff'));
    expect(existsSync(`${dir}/first`)).toBe(true);
    expect(existsSync(`${dir}/second`)).toBe(false);
  });

  it('adds to a file with other clusters, keeping them and unknown fields as they were', async () => {
    const path = join(dir, 'config');
    writeFileSync(path, OTHER);
    await mergeKubeconfig(entry('skiff'), { path });
    const doc = read(path);
    const before = yaml.load(OTHER) as Doc;
    expect(doc.clusters[0]).toEqual(before.clusters[0]);
    expect(doc.users[0]).toEqual(before.users[0]);
    expect(doc.contexts[0]).toEqual(before.contexts[0]);
    expect(doc.preferences).toEqual({ colors: true });
    // Read with CORE_SCHEMA, a date-like value we do not own stays the text it was, not a re-serialized Date.
    expect(doc['x-unknown-field']).toEqual({ keep: 'me', when: '2024-01-01' });
    expect(names(doc.clusters)).toEqual(['prod', 'skiff']);
    expect(names(doc.users)).toEqual(['prod-admin', 'skiff']);
    expect(names(doc.contexts)).toEqual(['prod', 'skiff']);
    expect(doc['current-context']).toBe('skiff');
    expect(doc.contexts[1]).toEqual({ name: 'skiff', context: { cluster: 'skiff', user: 'skiff' } });
    expect(doc.users[1]).toEqual({ name: 'skiff', user: { token: 'token-skiff' } });
  });

  it('re-merging updates the server in place, keeps the chosen namespace, drops conflicting fields', async () => {
    const path = join(dir, 'config');
    writeFileSync(path, OTHER);
    await mergeKubeconfig(entry('skiff', 40000), { path });
    await mergeKubeconfig(entry('other', 41000), { path });
    // The user switches namespace and points at a CA file; skiff must not leave both CA forms.
    const doc = read(path);
    doc.contexts[1]!.context = { cluster: 'skiff', user: 'skiff', namespace: 'dev' };
    doc.clusters[1]!.cluster = { ...(doc.clusters[1]!.cluster as object), 'certificate-authority': '/old/ca.crt', 'tls-server-name': 'kept' };
    doc.users[1]!.user = { 'client-certificate-data': 'old' };
    doc.clusters.push({ name: 'skiff', cluster: { server: 'https://duplicate' } });
    writeFileSync(path, yaml.dump(doc));

    await mergeKubeconfig(entry('skiff', 45678), { path });
    const after = read(path);
    expect(names(after.clusters)).toEqual(['prod', 'skiff', 'other']);
    expect(after.clusters[1]).toEqual({
      name: 'skiff',
      cluster: { server: 'https://127.0.0.1:45678', 'certificate-authority-data': Buffer.from(CA).toString('base64'), 'tls-server-name': 'kept' },
    });
    expect(after.users[1]).toEqual({ name: 'skiff', user: { token: 'token-skiff' } });
    expect(after.contexts[1]).toEqual({ name: 'skiff', context: { cluster: 'skiff', user: 'skiff', namespace: 'dev' } });
    expect(after['current-context']).toBe('skiff');
    expect((after.clusters[2]!.cluster as { server: string }).server).toBe('https://127.0.0.1:41000');
  });

  it('sets the namespace when the entry names one', async () => {
    const path = join(dir, 'config');
    await mergeKubeconfig({ ...entry('skiff'), namespace: 'apps' }, { path });
    expect(read(path).contexts[0]!.context).toEqual({ cluster: 'skiff', user: 'skiff', namespace: 'apps' });
  });

  it('writes through a symlinked kubeconfig', async () => {
    const real = join(dir, 'real-config');
    const link = join(dir, 'config');
    writeFileSync(real, OTHER);
    symlinkSync(real, link);
    await mergeKubeconfig(entry('skiff'), { path: link });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(names(read(real).clusters)).toEqual(['prod', 'skiff']);
  });

  it('refuses a file that is not a kubeconfig, saying so, and leaves it alone', async () => {
    const path = join(dir, 'config');
    for (const text of ['- just\n- a list\n', 'clusters: {a: 1}\n', 'key: [unclosed\n']) {
      writeFileSync(path, text);
      const err = await mergeKubeconfig(entry('skiff'), { path }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).exitCode).toBe(ExitCode.configInvalid);
      expect(readFileSync(path, 'utf8')).toBe(text);
    }
  });

  it('is read by real kubectl', async () => {
    if (!existsSync('/usr/bin/kubectl')) return;
    const path = join(dir, 'config');
    writeFileSync(path, OTHER);
    await mergeKubeconfig(entry('skiff', 43210), { path });
    const out = execFileSync('/usr/bin/kubectl', ['config', 'view', '--kubeconfig', path, '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}']).toString();
    expect(out).toBe('https://127.0.0.1:43210');
    const contexts = execFileSync('/usr/bin/kubectl', ['config', 'get-contexts', '--kubeconfig', path, '-o', 'name']).toString();
    expect(contexts.split('\n').filter(Boolean).sort()).toEqual(['prod', 'skiff']);
  });
});

describe('removeFromKubeconfig', () => {
  it('removes the three entries and unsets current-context, leaving the rest', async () => {
    const path = join(dir, 'config');
    writeFileSync(path, OTHER);
    await mergeKubeconfig(entry('skiff'), { path });
    expect(await removeFromKubeconfig('skiff', { path })).toBe(true);
    const doc = read(path);
    const before = yaml.load(OTHER) as Doc;
    expect(doc.clusters).toEqual(before.clusters);
    expect(doc.users).toEqual(before.users);
    expect(doc.contexts).toEqual(before.contexts);
    expect(doc['x-unknown-field']).toEqual({ keep: 'me', when: '2024-01-01' });
    expect('current-context' in doc).toBe(false);
  });

  it('keeps current-context when it names another cluster', async () => {
    const path = join(dir, 'config');
    await mergeKubeconfig(entry('a'), { path });
    await mergeKubeconfig(entry('b'), { path });
    expect(await removeFromKubeconfig('a', { path })).toBe(true);
    const doc = read(path);
    expect(doc['current-context']).toBe('b');
    expect(names(doc.clusters)).toEqual(['b']);
  });

  it('is a no-op for a missing file or a name not there', async () => {
    const path = join(dir, 'config');
    expect(await removeFromKubeconfig('skiff', { path })).toBe(false);
    expect(existsSync(path)).toBe(false);
    writeFileSync(path, OTHER);
    expect(await removeFromKubeconfig('skiff', { path })).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe(OTHER);
  });
});

describe('the kubeconfig lock (client-go\'s <file>.lock)', () => {
  it('waits for a live holder, then gives up with the fix', async () => {
    const path = join(dir, 'config');
    writeFileSync(`${path}.lock`, `${process.pid} ${hostname()} someone-else`);
    const err = await mergeKubeconfig(entry('skiff'), { path, lockTimeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(ExitCode.timeout);
    expect((err as UserError).fix).toContain(`remove ${path}.lock`);
    expect(existsSync(`${path}.lock`)).toBe(true);
    expect(existsSync(path)).toBe(false);
  });

  it('clears a lock whose process is gone', async () => {
    const path = join(dir, 'config');
    const dead = execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).toString();
    writeFileSync(`${path}.lock`, `${dead} ${hostname()} crashed`);
    await mergeKubeconfig(entry('skiff'), { path, lockTimeoutMs: 200 });
    expect(read(path)['current-context']).toBe('skiff');
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('clears an old empty lock as kubectl leaves them, but not a fresh one', async () => {
    const path = join(dir, 'config');
    writeFileSync(`${path}.lock`, '');
    await expect(mergeKubeconfig(entry('skiff'), { path, lockTimeoutMs: 100 })).rejects.toThrow(/locked/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${path}.lock`, old, old);
    await mergeKubeconfig(entry('skiff'), { path, lockTimeoutMs: 100 });
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('concurrent merges from two processes all land', async () => {
    const path = join(dir, 'config');
    writeFileSync(path, OTHER);
    const child = join(dir, 'child.ts');
    // Both children wait at a file barrier so their merges overlap, then merge many profiles each.
    writeFileSync(child, `
      import { existsSync, writeFileSync } from 'node:fs';
      import { setTimeout as delay } from 'node:timers/promises';
      import { mergeKubeconfig } from ${JSON.stringify(resolve('src/cluster/kubeconfig.ts'))};
      const [who, path, dir] = process.argv.slice(2);
      writeFileSync(dir + '/ready-' + who, '');
      while (!existsSync(dir + '/ready-a') || !existsSync(dir + '/ready-b')) await delay(5);
      for (let i = 0; i < 25; i++) {
        await mergeKubeconfig({ name: who + '-' + i, server: 'https://127.0.0.1:' + (30000 + i), caPem: 'ca', token: 't' }, { path });
      }
    `);
    const viteNode = resolve('node_modules/vite-node/vite-node.mjs');
    await Promise.all(['a', 'b'].map((who) => run(process.execPath, [viteNode, child, who, path, dir], { timeout: 60_000 })));
    const doc = read(path);
    const expected = ['prod', ...['a', 'b'].flatMap((w) => Array.from({ length: 25 }, (_, i) => `${w}-${i}`))].sort();
    expect(names(doc.clusters).sort()).toEqual(expected);
    expect(names(doc.users).sort()).toEqual(['prod-admin', ...expected.filter((n) => n !== 'prod')].sort());
    expect(names(doc.contexts).sort()).toEqual(expected);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});
