// Checks the test harness itself: every kubectl version runs, and a failing control plane is reported.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUBECTL_VERSIONS, Kubectl, kubectlBinary } from './kubectl.js';
import { parseKubeconfig } from './controlplane.js';

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

function safeBinary(version: (typeof KUBECTL_VERSIONS)[number]): string {
  try { return kubectlBinary(version); } catch (e) { return (e as Error).message; }
}
