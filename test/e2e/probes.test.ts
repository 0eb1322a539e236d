// Real probes, env and volumes on `skiff agent --runtime docker`, judged by real kubectl 1.32: a
// failing readiness probe moves a Deployment's pod to the Service's notReadyAddresses (and back), a
// failing liveness probe restarts a container (RESTARTS counts it), env from ConfigMaps, Secrets
// and the downward API, a configMap volume, an emptyDir shared by two containers, a memory limit
// on the engine, and a projected service-account token that authenticates to the API server.
import { describe, expect, it } from 'vitest';
import { useDockerAgent } from '../helpers/dockeragent.js';
import { docker } from '../helpers/docker.js';
import { eventually, row } from '../helpers/suite.js';

const d = useDockerAgent('pr');
const s = d.suite;
const k = () => d.kubectl('1.32');
const profile = d.profile;
const NODE = d.node;

async function podsOf(selector: string): Promise<any[]> {
  return JSON.parse(await k().ok(['get', 'pods', '-l', selector, '-o', 'json'])).items.filter((p: any) => !p.metadata.deletionTimestamp);
}

async function apply(name: string, manifest: unknown): Promise<void> {
  await k().ok(['apply', '-f', await s.file(`${name}.json`, JSON.stringify(manifest))]);
}

/** The engine id of a pod's running container (the test talks to the engine, not to kubectl exec). */
async function containerOf(pod: string, container: string): Promise<string> {
  const id = await docker('ps', '-q', '--filter', `label=skiff.dev/profile=${profile}`, '--filter', `label=io.kubernetes.pod.name=${pod}`,
    '--filter', `label=io.kubernetes.container.name=${container}`);
  if (!id) throw new Error(`no running container ${container} of pod ${pod}`);
  return id.split('\n')[0]!;
}

async function eventsOf(pod: string): Promise<{ type: string; reason: string; message: string }[]> {
  const list = JSON.parse(await k().ok(['get', 'events', '--field-selector', `involvedObject.name=${pod}`, '-o', 'json']));
  return list.items.map((e: any) => ({ type: e.type, reason: e.reason, message: e.message }));
}

async function explain(err: unknown, what: string[]): Promise<never> {
  const details = await Promise.all(what.map((w) => k().run(['get', ...w.split(' '), '-o', 'yaml']).then((r) => r.stdout + r.stderr)));
  throw new Error(`${err}\n${details.join('\n---\n')}\nagent:\n${d.agentOutput().slice(-4000)}`);
}

describe('probes on the docker runtime', () => {
  it('moves a pod that fails its readiness probe to notReadyAddresses, and back when it passes', async () => {
    await apply('web', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
      spec: {
        replicas: 2, selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            terminationGracePeriodSeconds: 1,
            containers: [{
              name: 'httpd', image: d.image,
              command: ['sh', '-c', 'mkdir -p /www && echo ok > /www/healthz && exec httpd -f -p 8080 -h /www'],
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1, failureThreshold: 1 },
            }],
          },
        },
      },
    });
    await k().ok(['expose', 'deployment', 'web', '--port=80', '--target-port=8080']);
    const pods = await eventually(async () => {
      const list = await podsOf('app=web');
      expect(list.map((p) => p.status.conditions?.find((c: any) => c.type === 'Ready')?.status)).toEqual(['True', 'True']);
      return list;
    }, 60_000, 250).catch((err) => explain(err, ['pods -l app=web']));
    const ips = pods.map((p) => p.status.podIP).sort();
    const endpoints = async () => {
      const ep = JSON.parse(await k().ok(['get', 'endpoints', 'web', '-o', 'json']));
      const subset = ep.subsets?.[0] ?? {};
      return {
        ready: (subset.addresses ?? []).map((a: any) => a.ip).sort(),
        notReady: (subset.notReadyAddresses ?? []).map((a: any) => a.ip).sort(),
      };
    };
    await eventually(async () => expect(await endpoints()).toEqual({ ready: ips, notReady: [] }), 20_000, 250);

    const [victim, other] = pods;
    await docker('exec', await containerOf(victim.metadata.name, 'httpd'), 'rm', '/www/healthz');
    await eventually(async () => expect(await endpoints()).toEqual({ ready: [other.status.podIP], notReady: [victim.status.podIP] }), 20_000, 250)
      .catch((err) => explain(err, [`pod ${victim.metadata.name}`, 'endpoints web']));
    expect(row(await k().ok(['get', 'pod', victim.metadata.name]), victim.metadata.name)[1]).toBe('0/1');
    const events = await eventsOf(victim.metadata.name);
    expect(events).toContainEqual({ type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 404' });
    // Readiness never restarts a container.
    expect(row(await k().ok(['get', 'pod', victim.metadata.name]), victim.metadata.name)[3]).toBe('0');

    await docker('exec', await containerOf(victim.metadata.name, 'httpd'), 'sh', '-c', 'echo ok > /www/healthz');
    await eventually(async () => expect(await endpoints()).toEqual({ ready: ips, notReady: [] }), 20_000, 250);
    await k().ok(['delete', 'deployment', 'web']);
    await k().ok(['delete', 'service', 'web']);
  });

  it('kills and restarts a container whose liveness probe fails, and RESTARTS counts it', async () => {
    await apply('live', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'live' },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{
          name: 'app', image: d.image,
          command: ['sh', '-c', 'touch /tmp/alive; sleep 3; rm /tmp/alive; exec sleep 3600'],
          livenessProbe: { exec: { command: ['cat', '/tmp/alive'] }, periodSeconds: 1, failureThreshold: 2 },
        }],
      },
    });
    await eventually(async () => {
      const cells = row(await k().ok(['get', 'pod', 'live']), 'live');
      expect(Number.parseInt(cells[3]!, 10)).toBeGreaterThanOrEqual(1);
    }, 60_000, 500).catch((err) => explain(err, ['pod live']));
    const pod = JSON.parse(await k().ok(['get', 'pod', 'live', '-o', 'json']));
    const status = pod.status.containerStatuses[0];
    expect(status.lastState.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
    const events = await eventsOf('live');
    expect(events).toContainEqual({ type: 'Warning', reason: 'Unhealthy', message: "Liveness probe failed: cat: can't open '/tmp/alive': No such file or directory\n" });
    expect(events).toContainEqual({ type: 'Normal', reason: 'Killing', message: 'Container app failed liveness probe, will be restarted' });
    await k().ok(['delete', 'pod', 'live', '--timeout=60s'], { timeoutMs: 70_000 });
  });
});

describe('env, resources and volumes on the docker runtime', () => {
  it('resolves env from ConfigMaps, Secrets and the downward API, mounts volumes and sets limits', async () => {
    await k().ok(['create', 'configmap', 'cfg', '--from-literal=greeting=hello', '--from-literal=color=blue']);
    await k().ok(['create', 'secret', 'generic', 'sec', '--from-literal=password=s3cret']);
    await apply('envpod', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'envpod', labels: { tier: 'backend' } },
      spec: {
        restartPolicy: 'Never',
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: 'main', image: d.image,
            command: ['sh', '-c'],
            args: [[
              'echo "args=$(POD_NAME)"',
              'env | sort',
              'echo "file=$(cat /etc/cfg/greeting)"',
              'until [ -f /shared/msg ]; do sleep 0.2; done; echo "shared=$(cat /shared/msg)"',
              'sa=/var/run/secrets/kubernetes.io/serviceaccount',
              'echo "namespace=$(cat $sa/namespace)"',
              'grep -q "BEGIN CERTIFICATE" $sa/ca.crt && echo "ca=yes"',
              'echo "token=$(cat $sa/token)"',
              'touch /etc/cfg/x 2>/dev/null || echo "cfg=readonly"',
              'exec sleep 3600',
            ].join('; ')],
            env: [
              { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'greeting' } } },
              { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'sec', key: 'password' } } },
              { name: 'MISSING', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nope', optional: true } } },
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
              { name: 'TIER', valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier']" } } },
              { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
              { name: 'MESSAGE', value: '$(GREETING)-world $$(GREETING) $(UNDEFINED)' },
            ],
            envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'cfg' } }, { secretRef: { name: 'sec' } }],
            resources: { limits: { memory: '64Mi', cpu: '500m' } },
            volumeMounts: [
              { name: 'cfg', mountPath: '/etc/cfg' },
              { name: 'shared', mountPath: '/shared' },
            ],
          },
          {
            name: 'writer', image: d.image,
            command: ['sh', '-c', 'echo from-writer > /shared/msg; exec sleep 3600'],
            volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
          },
        ],
        volumes: [
          { name: 'cfg', configMap: { name: 'cfg' } },
          { name: 'shared', emptyDir: {} },
        ],
      },
    });
    const pod = await eventually(async () => {
      const p = JSON.parse(await k().ok(['get', 'pod', 'envpod', '-o', 'json']));
      expect(p.status.phase).toBe('Running');
      return p;
    }, 60_000, 250).catch((err) => explain(err, ['pod envpod']));
    const main = await containerOf('envpod', 'main');
    const logs = await eventually(async () => {
      const text = await docker('logs', main);
      expect(text).toMatch(/^token=/m);
      return text;
    }, 20_000, 250).catch((err) => explain(err, ['pod envpod']));
    const lines = logs.split('\n');
    for (const expected of [
      'args=envpod', 'GREETING=hello', 'PASSWORD=s3cret', 'password=s3cret', 'CFG_greeting=hello', 'CFG_color=blue',
      'POD_NAME=envpod', `POD_IP=${pod.status.podIP}`, `NODE=${NODE}`, 'TIER=backend', 'MEM_MI=64',
      'MESSAGE=hello-world $(GREETING) $(UNDEFINED)', 'file=hello', 'shared=from-writer', 'namespace=default', 'ca=yes', 'cfg=readonly',
    ]) expect(lines).toContain(expected);
    expect(lines.some((l) => l.startsWith('MISSING='))).toBe(false);
    // The Service variables of the namespace (enableServiceLinks): at least the kubernetes Service.
    const kubernetesIp = JSON.parse(await k().ok(['get', 'service', 'kubernetes', '-o', 'json'])).spec.clusterIP;
    expect(lines).toContain(`KUBERNETES_SERVICE_HOST=${kubernetesIp}`);
    expect(lines).toContain('KUBERNETES_SERVICE_PORT=443');

    // The token is a real service-account token: the API server knows who it is.
    const token = lines.find((l) => l.startsWith('token='))!.slice('token='.length);
    const whoami = await k().ok(['auth', 'whoami', '--token', token, '-o', 'json']);
    expect(JSON.parse(whoami).status.userInfo.username).toBe('system:serviceaccount:default:default');

    const limits = JSON.parse(await docker('inspect', main))[0].HostConfig;
    expect(limits.Memory).toBe(64 * 1024 * 1024);
    expect(limits.NanoCpus).toBe(500_000_000);

    const volumes = await docker('volume', 'ls', '-q', '--filter', `label=io.kubernetes.pod.uid=${pod.metadata.uid}`);
    // cfg, shared and the kube-api-access-* volume ServiceAccount admission added to both containers.
    expect(volumes.split('\n').filter(Boolean)).toHaveLength(3);
    await k().ok(['delete', 'pod', 'envpod', '--timeout=60s'], { timeoutMs: 70_000 });
    expect(await docker('volume', 'ls', '-q', '--filter', `label=io.kubernetes.pod.uid=${pod.metadata.uid}`)).toBe('');
  });

  it('shows a missing ConfigMap key as CreateContainerConfigError with the kubelet\'s message', async () => {
    await apply('badenv', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'badenv' },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{
          name: 'app', image: d.image, command: ['sleep', '3600'],
          env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'absent' } } }],
        }],
      },
    });
    await eventually(async () => expect(row(await k().ok(['get', 'pod', 'badenv']), 'badenv')[2]).toBe('CreateContainerConfigError'), 30_000, 250)
      .catch((err) => explain(err, ['pod badenv']));
    const pod = JSON.parse(await k().ok(['get', 'pod', 'badenv', '-o', 'json']));
    expect(pod.status.containerStatuses[0].state.waiting).toEqual({ reason: 'CreateContainerConfigError', message: "couldn't find key absent in ConfigMap default/cfg" });
    expect(await eventsOf('badenv')).toContainEqual({ type: 'Warning', reason: 'Failed', message: "Error: couldn't find key absent in ConfigMap default/cfg" });
    await k().ok(['delete', 'pod', 'badenv', '--timeout=60s'], { timeoutMs: 70_000 });
  });

  it('shares a hostPath between the node\'s pods after the first is gone, and mounts subPaths', async () => {
    await k().ok(['create', 'configmap', 'conf', '--from-literal=app.conf=port=80']);
    const pod = (name: string, script: string) => ({
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: {
        restartPolicy: 'Never',
        terminationGracePeriodSeconds: 1,
        containers: [{
          name: 'app', image: d.image, command: ['sh', '-c', script],
          env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          volumeMounts: [
            { name: 'host', mountPath: '/host' },
            { name: 'conf', mountPath: '/etc/app.conf', subPath: 'app.conf' },
            { name: 'host', mountPath: '/mine', subPathExpr: 'pods/$(POD_NAME)' },
          ],
        }],
        volumes: [{ name: 'host', hostPath: { path: '/srv/shared', type: 'DirectoryOrCreate' } }, { name: 'conf', configMap: { name: 'conf' } }],
      },
    });
    await apply('hp-one', pod('hp-one', 'echo from-one > /host/note; echo mine > /mine/f; cat /etc/app.conf; echo'));
    await eventually(async () => expect(JSON.parse(await k().ok(['get', 'pod', 'hp-one', '-o', 'json'])).status.phase).toBe('Succeeded'), 30_000, 250)
      .catch((err) => explain(err, ['pod hp-one']));
    const one = await docker('ps', '-aq', '--filter', `label=io.kubernetes.pod.name=hp-one`, '--filter', 'label=io.kubernetes.container.name=app');
    expect(await docker('logs', one)).toBe('port=80');
    await k().ok(['delete', 'pod', 'hp-one', '--timeout=60s'], { timeoutMs: 70_000 });
    await apply('hp-two', pod('hp-two', 'cat /host/note /host/pods/hp-one/f; ls /mine | wc -l'));
    await eventually(async () => expect(JSON.parse(await k().ok(['get', 'pod', 'hp-two', '-o', 'json'])).status.phase).toBe('Succeeded'), 30_000, 250)
      .catch((err) => explain(err, ['pod hp-two']));
    const two = await docker('ps', '-aq', '--filter', `label=io.kubernetes.pod.name=hp-two`, '--filter', 'label=io.kubernetes.container.name=app');
    expect((await docker('logs', two)).split('\n').map((l) => l.trim())).toEqual(['from-one', 'mine', '0']);
    await k().ok(['delete', 'pod', 'hp-two', '--timeout=60s'], { timeoutMs: 70_000 });
    // The node's hostPath volume outlives its pods.
    const kept = await docker('volume', 'ls', '-q', '--filter', `label=skiff.dev/profile=${profile}`, '--filter', 'label=skiff.dev/volume-scope=node');
    expect(kept.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
