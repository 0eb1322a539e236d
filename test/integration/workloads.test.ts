// Desired state becomes actual state: a control plane (API server, scheduler, controllers) and two
// hollow agents, driven the way users drive a cluster, with real kubectl 1.32: Deployments and
// their rollouts, the ReplicaSet and ReplicationController workflows, cordon and drain, Jobs,
// CronJobs, DaemonSets, StatefulSets, an unschedulable pod, and the control plane's mirror pods.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useHollowNodes } from '../helpers/agent.js';
import { eventually, header, row, useControlPlane } from '../helpers/suite.js';

const NODES = ['wl-a', 'wl-b'];
const nodeDir = mkdtempSync(join(tmpdir(), 'skiff-wl-it-'));
const nodeKubeconfig = join(nodeDir, 'node-kubeconfig');
const s = useControlPlane({ extraArgs: ['--node-kubeconfig-out', nodeKubeconfig, '--node-name', NODES[0]!] });
const k = () => s.kubectl('1.32');
useHollowNodes(s, nodeKubeconfig, NODES, ['--cpu', '4', '--memory', '8Gi']);

async function json(args: string[]): Promise<any> {
  return JSON.parse(await k().ok([...args, '-o', 'json']));
}

interface PodView { name: string; node: string; phase: string; ready: boolean; image: string; created: string }

/** Pods with a label that are not being deleted. */
async function pods(selector: string, ns = 'default'): Promise<PodView[]> {
  const list = await json(['get', 'pods', '-n', ns, '-l', selector]);
  return list.items.filter((p: any) => !p.metadata.deletionTimestamp).map((p: any) => ({
    name: p.metadata.name,
    node: p.spec.nodeName ?? '',
    phase: p.status?.phase ?? '',
    ready: (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'),
    image: p.spec.containers[0].image,
    created: p.metadata.creationTimestamp,
  }));
}

async function runningCount(selector: string): Promise<number> {
  return (await pods(selector)).filter((p) => p.phase === 'Running' && p.ready).length;
}

/** The REVISION column of `kubectl rollout history`. */
function revisions(out: string): string[] {
  const lines = out.split('\n').map((l) => l.trim()).filter(Boolean);
  expect(lines[0]).toBe('deployment.apps/web');
  expect(lines[1]!.split(/\s+/)).toEqual(['REVISION', 'CHANGE-CAUSE']);
  return lines.slice(2).map((l) => l.split(/\s+/)[0]!);
}

async function expectGone(args: string[]): Promise<void> {
  const r = await k().run(['get', ...args]);
  expect(r.code, `expected ${args.join(' ')} gone:\n${r.stdout}`).not.toBe(0);
  expect(r.stderr).toMatch(/NotFound|not found/);
}

afterAll(() => rmSync(nodeDir, { recursive: true, force: true }));

describe('the control plane in kube-system', () => {
  it('shows kube-apiserver, kube-controller-manager and kube-scheduler mirror pods Running on its node', async () => {
    const out = await eventually(async () => {
      const text = await k().ok(['get', 'pods', '-n', 'kube-system', '-l', 'tier=control-plane', '-o', 'wide']);
      for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
        const cells = row(text, `${c}-${NODES[0]}`);
        expect(cells.slice(1, 3)).toEqual(['1/1', 'Running']);
      }
      return text;
    }, 30_000, 250);
    expect(header(out).slice(0, 7)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE']);
    expect(row(out, `kube-apiserver-${NODES[0]}`)[6]).toBe(NODES[0]);
    const pod = await json(['get', 'pod', '-n', 'kube-system', `kube-scheduler-${NODES[0]}`]);
    expect(pod.metadata.labels).toEqual({ component: 'kube-scheduler', tier: 'control-plane' });
    expect(pod.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Node', name: NODES[0] })]);
  });
});

describe('Deployment', () => {
  it('runs 4 pods spread over both nodes, scales up and down', async () => {
    await k().ok(['create', 'deployment', 'web', '--image=busybox', '--replicas=4']);
    await eventually(async () => expect(await runningCount('app=web')).toBe(4), 30_000, 250);
    const nodes = new Set((await pods('app=web')).map((p) => p.node));
    expect([...nodes].sort()).toEqual(NODES);
    const cells = row(await k().ok(['get', 'deployment', 'web']), 'web');
    expect(cells.slice(1, 4)).toEqual(['4/4', '4', '4']);

    await k().ok(['scale', 'deployment', 'web', '--replicas=6']);
    await eventually(async () => expect(await runningCount('app=web')).toBe(6), 30_000, 250);
    await k().ok(['scale', 'deployment', 'web', '--replicas=3']);
    await eventually(async () => expect((await pods('app=web')).length).toBe(3), 30_000, 250);
  });

  it('rolls out a new image, shows both revisions, and undoes', async () => {
    await k().ok(['set', 'image', 'deployment/web', 'busybox=busybox:1.36']);
    const status = await k().ok(['rollout', 'status', 'deployment/web', '--timeout=60s'], { timeoutMs: 70_000 });
    expect(status).toMatch(/deployment "web" successfully rolled out/);
    await eventually(async () => {
      const list = await pods('app=web');
      expect(list.length).toBe(3);
      expect(list.every((p) => p.image === 'busybox:1.36')).toBe(true);
    }, 30_000, 250);
    const rs = await json(['get', 'rs', '-l', 'app=web']);
    expect(rs.items).toHaveLength(2);

    expect(revisions(await k().ok(['rollout', 'history', 'deployment/web']))).toEqual(['1', '2']);

    await k().ok(['rollout', 'undo', 'deployment/web']);
    await k().ok(['rollout', 'status', 'deployment/web', '--timeout=60s'], { timeoutMs: 70_000 });
    await eventually(async () => {
      const list = await pods('app=web');
      expect(list.length).toBe(3);
      expect(list.every((p) => p.image === 'busybox')).toBe(true);
    }, 30_000, 250);
    expect(revisions(await k().ok(['rollout', 'history', 'deployment/web']))).toEqual(['2', '3']);
    const d = await json(['get', 'deployment', 'web']);
    expect(d.status.conditions.find((c: any) => c.type === 'Available').status).toBe('True');
    expect(d.status.conditions.find((c: any) => c.type === 'Progressing').reason).toBe('NewReplicaSetAvailable');
  });

  it('pauses and resumes, restarts', async () => {
    await k().ok(['rollout', 'pause', 'deployment/web']);
    await k().ok(['set', 'image', 'deployment/web', 'busybox=busybox:1.37']);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await pods('app=web')).every((p) => p.image === 'busybox')).toBe(true);
    await k().ok(['rollout', 'resume', 'deployment/web']);
    await k().ok(['rollout', 'status', 'deployment/web', '--timeout=60s'], { timeoutMs: 70_000 });
    await k().ok(['rollout', 'restart', 'deployment/web']);
    await k().ok(['rollout', 'status', 'deployment/web', '--timeout=60s'], { timeoutMs: 70_000 });
    await eventually(async () => {
      const list = await pods('app=web');
      expect(list.length).toBe(3);
      expect(list.every((p) => p.image === 'busybox:1.37')).toBe(true);
    }, 30_000, 250);
  });

  it('lists the ready pods in the endpoints once exposed, and deletion removes ReplicaSets and pods', async () => {
    await k().ok(['expose', 'deployment', 'web', '--port=80']);
    await eventually(async () => {
      const ips = (await json(['get', 'pods', '-l', 'app=web'])).items
        .filter((p: any) => !p.metadata.deletionTimestamp).map((p: any) => p.status.podIP).sort();
      const ep = await json(['get', 'endpoints', 'web']);
      const listed = (ep.subsets ?? []).flatMap((s: any) => (s.addresses ?? []).map((a: any) => a.ip)).sort();
      expect(listed).toEqual(ips);
      expect(listed).toHaveLength(3);
    }, 30_000, 250);
    await k().ok(['delete', 'deployment', 'web']);
    await eventually(async () => {
      expect((await json(['get', 'rs', '-l', 'app=web'])).items).toEqual([]);
      expect((await json(['get', 'pods', '-l', 'app=web'])).items).toEqual([]);
    }, 30_000, 250);
    await k().ok(['delete', 'service', 'web']);
  });
});

function replicaManifest(kind: 'ReplicaSet' | 'ReplicationController', name: string, replicas: number): string {
  const selector = kind === 'ReplicaSet' ? `  selector:\n    matchLabels:\n      app: ${name}\n` : `  selector:\n    app: ${name}\n`;
  return `apiVersion: ${kind === 'ReplicaSet' ? 'apps/v1' : 'v1'}\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n  replicas: ${replicas}\n${selector}` +
    `  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n      containers:\n      - name: app\n        image: busybox\n`;
}

describe.each([
  ['ReplicaSet', 'rs', 'frontend'],
  ['ReplicationController', 'rc', 'legacy'],
] as const)('the %s workflow', (kind, short, name) => {
  it('create -f, scale -f, scale by name, edit, get, delete', async () => {
    const file = await s.file(`${name}.yaml`, replicaManifest(kind, name, 3));
    await k().ok(['create', '-f', file]);
    await eventually(async () => expect(await runningCount(`app=${name}`)).toBe(3), 30_000, 250);

    await k().ok(['scale', '--replicas=6', '-f', file]);
    await eventually(async () => expect(await runningCount(`app=${name}`)).toBe(6), 30_000, 250);
    await k().ok(['scale', short, name, '--replicas=5']);
    await eventually(async () => expect((await pods(`app=${name}`)).length).toBe(5), 30_000, 250);

    await k().ok(['edit', `${short}/${name}`], { env: { KUBE_EDITOR: 'sed -i s/replicas:\\ 5/replicas:\\ 4/' } });
    await eventually(async () => expect((await pods(`app=${name}`)).length).toBe(4), 30_000, 250);
    const out = await eventually(async () => {
      const text = await k().ok(['get', short]);
      expect(row(text, name).slice(1, 4)).toEqual(['4', '4', '4']);
      return text;
    }, 30_000, 250);
    expect(header(out)).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);

    await k().ok(['delete', short, name]);
    await eventually(async () => {
      await expectGone([short, name]);
      expect((await json(['get', 'pods', '-l', `app=${name}`])).items).toEqual([]);
    }, 30_000, 250);
  });
});

describe('cordon and drain', () => {
  it('moves a Deployment\'s pods off the drained node', async () => {
    await k().ok(['create', 'deployment', 'mover', '--image=busybox', '--replicas=4']);
    await eventually(async () => expect(await runningCount('app=mover')).toBe(4), 30_000, 250);
    const [drained, other] = NODES as [string, string];
    await k().ok(['cordon', drained]);
    expect(row(await k().ok(['get', 'node', drained]), drained)[1]).toBe('Ready,SchedulingDisabled');
    await k().ok(['drain', drained, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=60s'], { timeoutMs: 70_000 });
    await eventually(async () => {
      const list = await pods('app=mover');
      expect(list.filter((p) => p.phase === 'Running' && p.ready)).toHaveLength(4);
      expect(list.every((p) => p.node === other)).toBe(true);
    }, 30_000, 250);
    await k().ok(['uncordon', drained]);
    await k().ok(['delete', 'deployment', 'mover']);
  });
});

describe('Job and CronJob', () => {
  it('runs a Job to Complete', async () => {
    await k().ok(['create', 'job', 'once', '--image=busybox', '--', 'sh', '-c', 'exit 0']);
    await k().ok(['wait', '--for=condition=complete', 'job/once', '--timeout=60s'], { timeoutMs: 70_000 });
    const cells = row(await k().ok(['get', 'job', 'once']), 'once');
    expect(cells[1]).toBe('Complete');
    expect(cells[2]).toBe('1/1');
    const list = await pods('job-name=once');
    expect(list.map((p) => p.phase)).toEqual(['Succeeded']);
  });

  it('a CronJob creates Jobs on its schedule', async () => {
    await k().ok(['create', 'cronjob', 'tick', '--image=busybox', '--schedule=* * * * *', '--', 'true']);
    const job = await eventually(async () => {
      const jobs = (await json(['get', 'jobs'])).items.filter((j: any) => j.metadata.ownerReferences?.[0]?.name === 'tick');
      expect(jobs.length).toBeGreaterThan(0);
      return jobs[0];
    }, 75_000, 1000);
    expect(job.metadata.name).toMatch(/^tick-\d+$/);
    await k().ok(['wait', '--for=condition=complete', `job/${job.metadata.name}`, '--timeout=60s'], { timeoutMs: 70_000 });
    await eventually(async () => {
      const cj = await json(['get', 'cronjob', 'tick']);
      expect(cj.status.lastScheduleTime).toBeTruthy();
      expect(cj.status.lastSuccessfulTime).toBeTruthy();
    }, 20_000, 500);
    await k().ok(['delete', 'cronjob', 'tick']);
  }, 150_000);
});

describe('DaemonSet and StatefulSet', () => {
  it('a DaemonSet runs one pod on each node', async () => {
    await k().ok(['apply', '-f', '-'], {
      stdin: 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  selector:\n    matchLabels:\n      app: agent\n' +
        '  template:\n    metadata:\n      labels:\n        app: agent\n    spec:\n      containers:\n      - name: agent\n        image: busybox\n',
    });
    await eventually(async () => {
      const list = (await pods('app=agent')).filter((p) => p.phase === 'Running');
      expect(list.map((p) => p.node).sort()).toEqual(NODES);
    }, 30_000, 250);
    const cells = row(await k().ok(['get', 'ds', 'agent']), 'agent');
    expect(cells.slice(1, 6)).toEqual(['2', '2', '2', '2', '2']);
    await k().ok(['rollout', 'status', 'ds/agent', '--timeout=30s'], { timeoutMs: 40_000 });
    await k().ok(['delete', 'ds', 'agent']);
  });

  it('a StatefulSet creates web-0, web-1, web-2 in order', async () => {
    await k().ok(['apply', '-f', '-'], {
      stdin: 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  serviceName: web\n  replicas: 3\n  selector:\n    matchLabels:\n      app: sts\n' +
        '  template:\n    metadata:\n      labels:\n        app: sts\n    spec:\n      containers:\n      - name: web\n        image: busybox\n',
    });
    await k().ok(['rollout', 'status', 'sts/web', '--timeout=60s'], { timeoutMs: 70_000 });
    const list = await pods('app=sts');
    expect(list.map((p) => p.name).sort()).toEqual(['web-0', 'web-1', 'web-2']);
    // OrderedReady: each pod is created only once the one before it is Running and Ready.
    const byName = new Map(list.map((p) => [p.name, Date.parse(p.created)]));
    expect(byName.get('web-0')!).toBeLessThanOrEqual(byName.get('web-1')!);
    expect(byName.get('web-1')!).toBeLessThanOrEqual(byName.get('web-2')!);
    const events = await json(['get', 'events', '--field-selector', 'involvedObject.kind=StatefulSet,involvedObject.name=web']);
    const created = events.items.filter((e: any) => e.reason === 'SuccessfulCreate').map((e: any) => e.message);
    expect(created.filter((m: string) => m.startsWith('create Pod'))).toEqual([
      'create Pod web-0 in StatefulSet web successful',
      'create Pod web-1 in StatefulSet web successful',
      'create Pod web-2 in StatefulSet web successful',
    ]);
    expect(row(await k().ok(['get', 'sts', 'web']), 'web')[1]).toBe('3/3');
    await k().ok(['delete', 'sts', 'web']);
  });
});

describe('scheduling', () => {
  it('leaves a pod that fits nowhere Pending with the upstream FailedScheduling message', async () => {
    await k().ok(['run', 'huge', '--image=busybox', '--overrides', JSON.stringify({
      spec: { containers: [{ name: 'huge', image: 'busybox', resources: { requests: { cpu: '100' } } }] },
    })]);
    const described = await eventually(async () => {
      const text = await k().ok(['describe', 'pod', 'huge']);
      expect(text).toMatch(/FailedScheduling/);
      return text;
    }, 20_000, 250);
    expect(described).toMatch(/Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/2 nodes are available: 2 Insufficient cpu\./);
    expect(row(await k().ok(['get', 'pod', 'huge']), 'huge')[2]).toBe('Pending');
    await k().ok(['delete', 'pod', 'huge', '--wait=false']);
  });

  it('records Scheduled events naming the node', async () => {
    await k().ok(['run', 'small', '--image=busybox']);
    const pod = await eventually(async () => {
      const p = await json(['get', 'pod', 'small']);
      expect(p.spec.nodeName).toBeTruthy();
      return p;
    }, 20_000, 250);
    await eventually(async () => {
      const text = await k().ok(['describe', 'pod', 'small']);
      expect(text).toMatch(new RegExp(`Normal\\s+Scheduled\\s+\\S+\\s+default-scheduler\\s+Successfully assigned default/small to ${pod.spec.nodeName}`));
    }, 20_000, 250);
    await k().ok(['delete', 'pod', 'small']);
  });
});
