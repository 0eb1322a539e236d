// Streams on a hollow node (`skiff agent --runtime fake`): the kubelet server answers, but its
// containers run no process — logs are empty and exec says why, with real kubectl.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useHollowNodes } from '../helpers/agent.js';
import { eventually, useControlPlane } from '../helpers/suite.js';

const nodeDir = mkdtempSync(join(tmpdir(), 'skiff-streaming-hollow-'));
const nodeKubeconfig = join(nodeDir, 'node-kubeconfig');
const s = useControlPlane({ extraArgs: ['--node-kubeconfig-out', nodeKubeconfig] });
afterAll(() => rmSync(nodeDir, { recursive: true, force: true }));
const k = () => s.kubectl('1.32');

describe('a hollow node\'s kubelet server', () => {
  useHollowNodes(s, nodeKubeconfig, ['hollow-1']);

  it('answers logs with an empty body and exec with the reason it cannot run', async () => {
    await k().ok(['run', 'ghost', '--image=busybox', '--', 'sleep', '3600']);
    await eventually(async () => expect(JSON.parse(await k().ok(['get', 'pod', 'ghost', '-o', 'json'])).status.phase).toBe('Running'), 30_000, 200);
    for (const v of ['1.32', '1.27'] as const) {
      expect(await s.kubectl(v).ok(['logs', 'ghost'])).toBe('');
      const r = await s.kubectl(v).run(['exec', 'ghost', '--', 'echo', 'hi']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('runs no process on this hollow node (fake runtime): exec is not supported');
    }
  });
});
