// The kubelet's Docker runtime against the real engine: a sandbox holding the pod's address on a
// profile network, containers in its network namespace, exits and their reasons, start/die events,
// images that are not present, and removal by sandbox — all found again by their labels.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Docker from 'dockerode';
import { DockerDriver } from '../../src/driver/docker/driver.js';
import { DockerContainerEngine } from '../../src/driver/docker/containers.js';
import { ensureBuilt, prepareSandboxImage } from '../../src/driver/docker/nodeimage.js';
import { DockerRuntime, ImageNotPresentError } from '../../src/kubelet/docker/runtime.js';
import type { ContainerConfig, ContainerEvent, RuntimeSandbox } from '../../src/kubelet/runtime.js';
import { docker, labelled, requireDocker, uniqueProfile, waitFor } from '../helpers/docker.js';
import { ensureBusyboxImage } from '../helpers/images.js';

const driver = new DockerDriver();
const profile = uniqueProfile('rt');
let runtime: DockerRuntime;
let busybox = '';
let podIp = '';
const events: ContainerEvent[] = [];

function config(name: string, command: string[], attempt = 0): ContainerConfig {
  return { name, image: busybox, command, args: [], env: [{ name: 'GREETING', value: 'hello' }], attempt };
}

beforeAll(async () => {
  await requireDocker(driver);
  const network = await driver.ensureNetwork(profile);
  const [sandboxImage, image] = await Promise.all([ensureBuilt(driver, prepareSandboxImage), ensureBusyboxImage(driver)]);
  busybox = image;
  // A pod address in the profile's container range, clear of the nodes' first addresses.
  const [a, b] = network.ipRange.split('.');
  podIp = `${a}.${b}.1.10`;
  runtime = new DockerRuntime({
    engine: new DockerContainerEngine(new Docker()),
    profile,
    nodeName: `${profile}`,
    network: network.name,
    nodeContainerId: 'unused-no-host-network-pods-here',
    sandboxImage,
    clusterDns: '10.96.0.10',
  });
  runtime.onContainerEvent((e) => events.push(e));
}, 300_000);

afterAll(async () => {
  await driver.removeProfile(profile);
  // Pod containers carry the profile label too: nothing may be left.
  const ids = (await docker('ps', '-aq', '--filter', `label=skiff.dev/profile=${profile}`)).split('\n').filter(Boolean);
  if (ids.length) await docker('rm', '-f', ...ids);
}, 60_000);

describe('DockerRuntime', () => {
  let sandbox: RuntimeSandbox;

  it('runs a sandbox with the pod IP, pod DNS and labels', async () => {
    sandbox = await runtime.runPodSandbox({
      podUid: 'uid-1', namespace: 'team', name: 'web', nodeName: profile, hostname: 'web', ip: podIp, hostNetwork: false, labels: {},
    });
    expect(sandbox).toMatchObject({ podUid: 'uid-1', namespace: 'team', name: 'web', ip: podIp, state: 'ready' });
    expect(await docker('inspect', '-f', '{{.HostConfig.Init}} {{json .HostConfig.Dns}} {{json .HostConfig.DnsSearch}}', sandbox.id))
      .toBe('true ["10.96.0.10"] ["team.svc.cluster.local","svc.cluster.local","cluster.local"]');
    expect((await runtime.listPodSandboxes()).map((s) => s.id)).toEqual([sandbox.id]);
  });

  it('starts a container in the sandbox\'s network namespace with its env, and reports it running', async () => {
    const pulled = await runtime.pullImage(busybox);
    expect(pulled.alreadyPresent).toBe(true);
    expect(pulled.imageRef).toMatch(/^sha256:/);
    const c = await runtime.startContainer(sandbox.id, config('app', ['sh', '-c', 'echo "$GREETING from $(hostname -i)"; exec sleep 300']), pulled.imageRef);
    expect(c).toMatchObject({ name: 'app', state: 'running', sandboxId: sandbox.id, attempt: 0, image: busybox });
    expect(c.id).toMatch(/^docker:\/\/[0-9a-f]{64}$/);
    const logs = await waitFor('the container\'s first line', async () => {
      const text = await docker('logs', c.id.slice('docker://'.length));
      return text.includes('hello') ? text : undefined;
    }, 10_000, 100);
    expect(logs.trim()).toBe(`hello from ${podIp}`);
    await waitFor('a started event', async () => events.find((e) => e.containerId === c.id && e.type === 'started'), 5_000, 50);
  });

  it('reports exits with their code and reason, and a command that cannot run', async () => {
    const failing = await runtime.startContainer(sandbox.id, config('fails', ['sh', '-c', 'exit 3']), busybox);
    const exited = await waitFor('the exit', async () => {
      const s = await runtime.containerStatus(failing.id);
      return s?.state === 'exited' ? s : undefined;
    }, 10_000, 100);
    expect(exited).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(exited.finishedAt).toMatch(/Z$/);
    await waitFor('an exited event', async () => events.find((e) => e.containerId === failing.id && e.type === 'exited'), 5_000, 50);

    const missing = await runtime.startContainer(sandbox.id, config('missing', ['/no/such/program']), busybox);
    expect(missing).toMatchObject({ state: 'exited', reason: 'ContainerCannotRun' });
    expect(missing.message).toMatch(/no such file or directory/);
  });

  it('stops a container within its grace period and lists the pod\'s containers', async () => {
    const [app] = (await runtime.listContainers(sandbox.id)).filter((c) => c.name === 'app');
    expect(app?.state).toBe('running');
    await runtime.stopContainer(app!.id, 1);
    const stopped = await runtime.containerStatus(app!.id);
    expect(stopped).toMatchObject({ state: 'exited' });
    expect([137, 143]).toContain(stopped!.exitCode);
    expect((await runtime.listContainers(sandbox.id)).map((c) => c.name).sort()).toEqual(['app', 'fails', 'missing']);
  });

  it('says an absent image is not present rather than pulling it', async () => {
    await expect(runtime.pullImage('registry.invalid/nothing:1')).rejects.toBeInstanceOf(ImageNotPresentError);
  });

  it('removes the sandbox with every container in it', async () => {
    await runtime.stopPodSandbox(sandbox.id);
    expect((await runtime.listPodSandboxes())[0]?.state).toBe('notready');
    await runtime.removePodSandbox(sandbox.id);
    expect(await runtime.listPodSandboxes()).toEqual([]);
    expect(await runtime.listContainers()).toEqual([]);
    expect((await labelled(profile)).containers).toEqual([]);
  });
});
