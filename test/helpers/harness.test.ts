// Checks the test harness itself: every kubectl version runs, and a failing control plane is reported.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUBECTL_VERSIONS, Kubectl, kubectlBinary, kubectlFor } from './kubectl.js';
import { parseKubeconfig, startControlPlane, type ControlPlane } from './controlplane.js';
import { raw } from './https.js';

const stub = join(dirname(fileURLToPath(import.meta.url)), 'stub-control-plane.mjs');

describe('kubectl registry', () => {
  let cacheDir = '';
  beforeAll(async () => { cacheDir = await mkdtemp(join(tmpdir(), 'skiff-kubectl-')); });
  afterAll(async () => { await rm(cacheDir, { recursive: true, force: true }); });

  for (const version of KUBECTL_VERSIONS) {
    it(`runs kubectl ${version} (${safeBinary(version)})`, async () => {
      const k = new Kubectl({ kubeconfig: join(cacheDir, 'none'), version, cacheDir });
      const r = await k.run(['version', '--client', '-o', 'json']);
      expect(r.code, r.stderr).toBe(0);
      const info = JSON.parse(r.stdout) as { clientVersion: { gitVersion: string } };
      // The PATH kubectl is the Cloud SDK dispatcher (v1.32.4-dispatcher, minor "32+").
      expect(info.clientVersion.gitVersion).toMatch(new RegExp(`^v${version.replace('.', '\\.')}\\.`));
    });
  }
});

describe('kubeconfig reader', () => {
  it('reads server, CA and token', () => {
    const ca = Buffer.from('-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n').toString('base64');
    const text = [
      'apiVersion: v1', 'kind: Config', 'current-context: skiff',
      'clusters:', '- name: skiff', '  cluster:', '    server: https://127.0.0.1:6443',
      `    certificate-authority-data: ${ca}`,
      'users:', '- name: skiff', '  user:', '    token: abc.def',
      'contexts:', '- name: skiff', '  context: {cluster: skiff, user: skiff}',
    ].join('\n');
    expect(parseKubeconfig(text)).toEqual({
      server: 'https://127.0.0.1:6443', token: 'abc.def',
      ca: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n',
    });
  });
});

describe('control-plane harness (against a stub server)', () => {
  let cp: ControlPlane | undefined;
  afterAll(async () => { await cp?.dispose(); });

  it('starts, waits for the kubeconfig and serves kubectl over TLS', async () => {
    cp = await startControlPlane({ command: [stub] });
    expect(cp.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await stat(cp.kubeconfig)).mode & 0o777).toBe(0o600);
    const out = await kubectlFor(cp, '1.33').ok(['get', 'namespaces']);
    expect(out).toMatch(/^NAME\s+AGE\ndefault\s+\S+\n$/);
    expect((await raw(cp, { path: '/api/v1/namespaces', token: null })).status).toBe(401);
    expect((await raw(cp, { path: '/healthz', token: null, host: 'localhost' })).body).toBe('ok');
  });

  it('runs a kubectl stream and stops it', async () => {
    const s = kubectlFor(cp!, '1.32').stream(['get', 'namespaces']);
    await s.waitForLine(/^default\s/);
    await s.stop();
    expect(s.proc.exitCode !== null || s.proc.signalCode !== null).toBe(true);
  });

  it('restarts on the same dir and port, stopping with SIGTERM', async () => {
    const { server, token } = await cp!.credentials();
    const pid = cp!.pid;
    expect(await cp!.restart()).toEqual({ code: 0, signal: null });
    expect(cp!.pid).not.toBe(pid);
    expect(await cp!.credentials()).toMatchObject({ server, token });
    await kubectlFor(cp!, '1.20').ok(['get', 'ns']);
  });

  it('removes its directory on dispose', async () => {
    const root = cp!.root;
    await cp!.dispose();
    expect(cp!.running).toBe(false);
    expect(existsSync(root)).toBe(false);
    cp = undefined;
  });

  it('reports a server that exits early, with its stderr', async () => {
    await expect(startControlPlane({ command: ['-e', 'console.error("boom"); process.exit(3)', '--'] }))
      .rejects.toThrow(/exited \(code 3\) before it was ready[\s\S]*boom/);
  });
});

function safeBinary(version: (typeof KUBECTL_VERSIONS)[number]): string {
  try { return kubectlBinary(version); } catch (e) { return (e as Error).message; }
}
