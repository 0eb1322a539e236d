// `skiff agent --runtime fake` against a real control plane, observed with real kubectl 1.32:
// the Node registers Ready, bound pods run with pod IPs, deletes complete, crash loops back off,
// the Lease renews, and SIGTERM stops the agent cleanly leaving its Node in place.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../helpers/controlplane.js';
import { AgentProcess } from '../helpers/agent.js';
import { AGE, eventually, header, row, useControlPlane } from '../helpers/suite.js';


const nodeDir = mkdtempSync(join(tmpdir(), 'skiff-agent-it-'));
const nodeKubeconfig = join(nodeDir, 'node-kubeconfig');
const s = useControlPlane({ extraArgs: ['--node-kubeconfig-out', nodeKubeconfig] });
const k = () => s.kubectl('1.32');
const NODE = 'hollow-1';

let agent: AgentProcess;
let kubeconfig: string;

beforeAll(async () => {
  // The agent authenticates with the node credential, not the admin token.
  kubeconfig = nodeKubeconfig;
  agent = new AgentProcess(['--kubeconfig', kubeconfig, '--node-name', NODE, '--runtime', 'fake', '--cpu', '2', '--memory', '4Gi']);
});

afterAll(async () => {
  await agent?.stop();
  rmSync(nodeDir, { recursive: true, force: true });
});

function podYaml(name: string, extra: { command?: string[]; restartPolicy?: string; node?: string } = {}): string {
  const command = extra.command ? `\n    command: ${JSON.stringify(extra.command)}` : '';
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  nodeName: ${extra.node ?? NODE}
  restartPolicy: ${extra.restartPolicy ?? 'Always'}
  terminationGracePeriodSeconds: 30
  containers:
  - name: main
    image: busybox:1.36${command}
`;
}

async function jsonOf(args: string[]): Promise<Record<string, any>> {
  return JSON.parse(await k().ok([...args, '-o', 'json']));
}

describe('skiff agent --runtime fake', () => {
  it('registers a Ready node that kubectl get nodes shows with the right columns', async () => {
    const out = await eventually(async () => {
      const text = await k().ok(['get', 'nodes']);
      expect(row(text, NODE)[1]).toBe('Ready');
      return text;
    }, 20_000, 200).catch((err) => { throw new Error(`${err}\nagent output:\n${agent.output}`); });
    expect(header(out)).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    const cells = row(out, NODE);
    expect(cells[2]).toBe('<none>');
    expect(cells[3]).toMatch(AGE);
    expect(cells[4]).toBe('v1.32.0-skiff');

    const wide = await k().ok(['get', 'nodes', '-o', 'wide']);
    expect(header(wide)).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']);
    const w = row(wide, NODE);
    expect(w[5]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(w[6]).toBe('<none>');
    expect(w[9]).toBe('fake://0.1');

    const node = await jsonOf(['get', 'node', NODE]);
    expect(node.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': NODE, 'kubernetes.io/os': 'linux' });
    expect(node.status.capacity).toMatchObject({ cpu: '2', memory: '4Gi', pods: '110' });
    expect(node.spec.podCIDR).toMatch(/^10\.244\.\d+\.0\/24$/);
    const ready = node.status.conditions.find((c: any) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' });
    expect(node.status.conditions.map((c: any) => c.type)).toEqual(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
  });

  it('runs a pod bound to the node: Running with a pod IP in the node\'s range', async () => {
    await k().ok(['apply', '-f', '-'], { stdin: podYaml('web') });
    const cells = await eventually(async () => {
      const c = row(await k().ok(['get', 'pod', 'web', '-o', 'wide']), 'web');
      expect(c[2]).toBe('Running');
      return c;
    }, 20_000, 200);
    expect(cells[1]).toBe('1/1');
    expect(cells[3]).toBe('0');
    expect(cells[5]).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(cells[6]).toBe(NODE);
    const pod = await jsonOf(['get', 'pod', 'web']);
    const node = await jsonOf(['get', 'node', NODE]);
    expect(pod.status.podIP.split('.').slice(0, 3).join('.')).toBe(node.spec.podCIDR.split('.').slice(0, 3).join('.'));
    expect(pod.status.podIPs).toEqual([{ ip: pod.status.podIP }]);
    expect(pod.status.hostIP).toBe(node.status.addresses.find((a: any) => a.type === 'InternalIP').address);
    expect(pod.status.conditions.map((c: any) => `${c.type}=${c.status}`)).toEqual([
      'PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True',
    ]);
    expect(pod.status.containerStatuses[0]).toMatchObject({ name: 'main', ready: true, started: true, restartCount: 0 });
    expect(pod.status.containerStatuses[0].containerID).toMatch(/^fake:\/\//);
  });

  it('gives a second pod another IP', async () => {
    await k().ok(['apply', '-f', '-'], { stdin: podYaml('web2') });
    const ips = await eventually(async () => {
      const a = row(await k().ok(['get', 'pod', 'web', '-o', 'wide']), 'web')[5];
      const b = row(await k().ok(['get', 'pod', 'web2', '-o', 'wide']), 'web2')[5];
      expect(b).toMatch(/^10\.244\./);
      return [a, b];
    }, 20_000, 200);
    expect(ips[0]).not.toBe(ips[1]);
  });

  it('completes `kubectl delete pod` (graceful termination finished by the agent)', async () => {
    const started = Date.now();
    await k().ok(['delete', 'pod', 'web', '--timeout=30s']);
    expect(Date.now() - started).toBeLessThan(15_000);
    const r = await k().run(['get', 'pod', 'web']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/NotFound|not found/);
  });

  it('shows CrashLoopBackOff for a container that keeps exiting 1 under restartPolicy Always', async () => {
    await k().ok(['apply', '-f', '-'], { stdin: podYaml('crash', { command: ['sh', '-c', 'exit 1'] }) });
    const cells = await eventually(async () => {
      const c = row(await k().ok(['get', 'pods']), 'crash');
      expect(c[2]).toBe('CrashLoopBackOff');
      return c;
    }, 20_000, 200);
    expect(cells[1]).toBe('0/1');
    expect(cells[3]).toMatch(/^[1-9]\d* \(.+ ago\)$/);
    const pod = await jsonOf(['get', 'pod', 'crash']);
    expect(pod.status.phase).toBe('Running');
    expect(pod.status.containerStatuses[0].state.waiting.message).toMatch(/^back-off \d+s restarting failed container=main pod=crash_default\(/);
    expect(pod.status.containerStatuses[0].lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
  });

  it('runs a pod to completion under restartPolicy Never', async () => {
    await k().ok(['apply', '-f', '-'], { stdin: podYaml('once', { command: ['sh', '-c', 'exit 0'], restartPolicy: 'Never' }) });
    await eventually(async () => {
      expect(row(await k().ok(['get', 'pods']), 'once')[2]).toBe('Completed');
    }, 20_000, 200);
  });

  it('ignores pods bound to another node', async () => {
    await k().ok(['apply', '-f', '-'], { stdin: podYaml('elsewhere', { node: 'no-such-node' }) });
    await sleep(1500);
    const pod = await jsonOf(['get', 'pod', 'elsewhere']);
    expect(pod.status.phase).toBe('Pending');
    expect(pod.status.podIP).toBeUndefined();
    await k().ok(['delete', 'pod', 'elsewhere', '--wait=false']);
  });

  it('renews its Lease in kube-node-lease every 10 s', async () => {
    const first = await jsonOf(['get', 'lease', '-n', 'kube-node-lease', NODE]);
    expect(first.spec).toMatchObject({ holderIdentity: NODE, leaseDurationSeconds: 40 });
    expect(first.spec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(first.metadata.ownerReferences).toMatchObject([{ kind: 'Node', name: NODE }]);
    const renewed = await eventually(async () => {
      const l = await jsonOf(['get', 'lease', '-n', 'kube-node-lease', NODE]);
      expect(l.spec.renewTime).not.toBe(first.spec.renewTime);
      return l;
    }, 15_000, 500);
    const gap = Date.parse(renewed.spec.renewTime) - Date.parse(first.spec.renewTime);
    expect(gap).toBeGreaterThan(8_000);
    expect(gap).toBeLessThan(13_000);
  });

  it('stops on SIGTERM with exit 0, leaving its Node; a restart keeps the same Node and pod IPs', async () => {
    const before = await jsonOf(['get', 'node', NODE]);
    const ipBefore = (await jsonOf(['get', 'pod', 'web2'])).status.podIP;
    const exit = await agent.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    const after = await jsonOf(['get', 'node', NODE]);
    expect(after.metadata.uid).toBe(before.metadata.uid);

    agent = new AgentProcess(['--kubeconfig', kubeconfig, '--node-name', NODE, '--runtime', 'fake', '--cpu', '2', '--memory', '4Gi']);
    await eventually(async () => {
      const n = await jsonOf(['get', 'node', NODE]);
      expect(n.status.nodeInfo.bootID).not.toBe(before.status.nodeInfo.bootID);
      expect(n.metadata.uid).toBe(before.metadata.uid);
      expect(n.spec.podCIDR).toBe(before.spec.podCIDR);
    }, 20_000, 200);
    await k().ok(['delete', 'pod', 'web2', '--timeout=30s']);
    expect(ipBefore).toMatch(/^10\.244\./);
  });

  it('runs several hollow nodes in one process with --count, each with its own pod range', async () => {
    const many = new AgentProcess(['--kubeconfig', kubeconfig, '--node-name', 'many', '--runtime', 'fake', '--count', '3']);
    try {
      await eventually(async () => {
        const out = await k().ok(['get', 'nodes']);
        for (const n of ['many-0', 'many-1', 'many-2']) expect(row(out, n)[1]).toBe('Ready');
      }, 20_000, 200);
      const cidrs = await Promise.all(['many-0', 'many-1', 'many-2', NODE].map(async (n) => (await jsonOf(['get', 'node', n])).spec.podCIDR));
      expect(new Set(cidrs).size).toBe(4);
      await k().ok(['apply', '-f', '-'], { stdin: podYaml('on-many-2', { node: 'many-2' }) });
      await eventually(async () => {
        const c = row(await k().ok(['get', 'pod', 'on-many-2', '-o', 'wide']), 'on-many-2');
        expect(c[2]).toBe('Running');
        expect(c[5].split('.').slice(0, 3).join('.') + '.0/24').toBe(cidrs[2]);
      }, 20_000, 200);
    } finally {
      expect(await many.stop()).toEqual({ code: 0, signal: null });
    }
  });
});
