// The rest of the minikube-style CLI end to end, as a user runs it: the real `node bin/skiff.js`
// with its own SKIFF_HOME and KUBECONFIG, real Docker, real kubectl 1.32. Start takes its sizes
// from `skiff config`; `service --url` answers fetch from the host through the detached host proxy;
// node add/delete, pause/unpause/status, ssh, logs, image load/ls/rm with a `docker save` tar,
// update-context; stop ends the host proxy; delete --all --purge leaves nothing labelled.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownAddons } from '../../src/cluster/addons.js';
import { DockerDriver } from '../../src/driver/docker/driver.js';
import { docker, labelled, requireDocker, uniqueProfile } from '../helpers/docker.js';
import { ensureBusyboxImage } from '../helpers/images.js';
import { Kubectl } from '../helpers/kubectl.js';
import { skiffCli } from '../helpers/skiffcli.js';
import { eventually, row } from '../helpers/suite.js';

const driver = new DockerDriver();
const profile = uniqueProfile('cli');
const worker = `${profile}-m02`;
const home = mkdtempSync(join(tmpdir(), 'skiff-cli-e2e-'));
const env = { ...process.env, SKIFF_HOME: join(home, 'skiff'), KUBECONFIG: join(home, 'kubeconfig'), DISPLAY: '', WAYLAND_DISPLAY: '' };
const k = new Kubectl({ kubeconfig: env.KUBECONFIG, version: '1.32', cacheDir: join(home, 'kubectl-cache') });
const savedTag = `skiff-e2e-saved:${profile}`;
let image = '';
let url = '';

const skiff = skiffCli(env);

async function ok(...args: string[]): Promise<string> {
  const r = await skiff(...args);
  if (r.code !== 0) throw new Error(`skiff ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

async function get(target: string): Promise<string> {
  const res = await fetch(target, { signal: AbortSignal.timeout(3000) });
  return (await res.text()).trim();
}

function proxyPid(): number {
  return JSON.parse(readFileSync(join(env.SKIFF_HOME, 'profiles', profile, 'proxies', 'default.web.json'), 'utf8')).pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  await requireDocker(driver);
  image = await ensureBusyboxImage(driver);
}, 120_000);

afterAll(async () => {
  await skiff('delete', '-p', profile);
  await driver.removeProfile(profile);
  await docker('rmi', savedTag).catch(() => {});
  rmSync(home, { recursive: true, force: true });
}, 120_000);

describe('skiff CLI', () => {
  const addon = knownAddons()?.[0] ?? 'dashboard';

  it('start takes cpus and memory from `skiff config`, records --addons, and answers to a global -p', async () => {
    await ok('config', 'set', 'cpus', '2');
    await ok('config', 'set', 'memory', '1g');
    // With an addons/ folder an unknown name fails before anything is made (without one, any name is recorded).
    if (knownAddons() !== undefined) expect((await skiff('start', '-p', profile, '--addons', 'no-such-addon-x')).code).toBe(4);
    await ok('-p', profile, 'start', '--addons', addon);
    const stored = JSON.parse(readFileSync(join(env.SKIFF_HOME, 'profiles', profile, 'config.json'), 'utf8'));
    expect([stored.cpus, stored.memoryMiB, stored.addons]).toEqual([2, 1024, { [addon]: true }]);
    const limits = JSON.parse(await docker('inspect', profile, '--format', '{{json .HostConfig}}'));
    expect([limits.NanoCpus, limits.Memory]).toEqual([2e9, 1024 ** 3]);
    const status = await skiff('-p', profile, 'status', '-o', 'json');
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual([{ Name: profile, Host: 'Running', APIServer: 'Running' }]);
  });

  it('service --url prints a 127.0.0.1 URL that answers from the host, served by one reused host proxy', async () => {
    await k.ok(['create', 'deployment', 'web', `--image=${image}`, '--replicas=2', '--',
      'sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www']);
    await k.ok(['expose', 'deployment', 'web', '--port=80', '--target-port=8080', '--type=NodePort']);
    await k.ok(['create', 'service', 'clusterip', 'internal', '--tcp=80:8080']);
    const pods = await eventually(async () => {
      const list = JSON.parse(await k.ok(['get', 'pods', '-l', 'app=web', '-o', 'json'])).items;
      expect(list.map((p: any) => p.status.phase)).toEqual(['Running', 'Running']);
      return list.map((p: any) => p.metadata.name as string);
    }, 60_000, 250);

    url = (await ok('service', 'web', '--url', '-p', profile)).trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(pods).toContain(await eventually(() => get(url), 15_000, 200));
    const pid = proxyPid();
    expect((await ok('service', 'web', '--url', '-p', profile)).trim()).toBe(url);
    expect(proxyPid()).toBe(pid);
    // A proxy whose record is gone (a racing start replaced it, its directory was removed) ends itself.
    rmSync(join(env.SKIFF_HOME, 'profiles', profile, 'proxies', 'default.web.json'));
    await eventually(async () => expect(alive(pid)).toBe(false), 10_000, 200);
    url = (await ok('service', 'web', '--url', '-p', profile)).trim();
    expect(proxyPid()).not.toBe(pid);
    expect(pods).toContain(await eventually(() => get(url), 15_000, 200));

    const list = await ok('service', 'list', '-p', profile);
    expect(row(list, 'default').slice(0, 1)).toEqual(['default']);
    expect(list).toMatch(new RegExp(`^default\\s+web\\s+80\\s+${url.replace(/[.]/g, '\\.')}$`, 'm'));
    expect(list).toMatch(/^default\s+internal\s+No node port$/m);

    // Without --url: the URL, and an honest word that no browser opened (no display here).
    const opened = await skiff('service', 'web', '-p', profile);
    expect([opened.code, opened.stdout.trim()]).toEqual([0, url]);
    expect(opened.stderr).toMatch(/No browser opened .*open http:\/\/127\.0\.0\.1/);

    const clusterIp = await skiff('service', 'internal', '--url', '-p', profile);
    expect(clusterIp.code).toBe(2);
    expect(clusterIp.stderr).toMatch(/service default\/internal is not a NodePort service[\s\S]*kubectl expose .*--type=NodePort/);
    const missing = await skiff('service', 'nope', '--url', '-p', profile);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/service 'nope' was not found in 'default' namespace/);
  });

  it('node add gives a Ready worker that pods are scheduled onto; node delete takes it away', async () => {
    await ok('node', 'add', '-p', profile);
    expect(row(await k.ok(['get', 'nodes']), worker).slice(1, 2)).toEqual(['Ready']);
    expect(JSON.parse(await ok('node', 'list', '-p', profile, '-o', 'json')).map((n: any) => n.name)).toEqual([profile, worker]);
    await k.ok(['run', 'onworker', `--image=${image}`, '--restart=Never',
      `--overrides={"spec":{"nodeSelector":{"kubernetes.io/hostname":"${worker}"}}}`, '--', 'sleep', '3600']);
    await eventually(async () => {
      const pod = JSON.parse(await k.ok(['get', 'pod', 'onworker', '-o', 'json']));
      expect([pod.spec.nodeName, pod.status.phase]).toEqual([worker, 'Running']);
    }, 60_000, 250);

    const refused = await skiff('node', 'delete', profile, '-p', profile);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is the control-plane node/);
    await ok('node', 'delete', worker, '-p', profile);
    expect(await k.ok(['get', 'nodes', '-o', 'name'])).not.toContain(worker);
    expect(await docker('ps', '-aq', '--filter', `label=skiff.dev/node=${worker}`)).toBe('');
    expect(await docker('volume', 'ls', '-q', '--filter', `label=skiff.dev/node=${worker}`)).toBe('');
    expect((await skiff('node', 'delete', worker, '-p', profile)).code).toBe(4);
  });

  it('pause freezes the nodes and pods (status: Paused, exit 5); unpause brings the service back', async () => {
    await ok('pause', '-p', profile);
    const paused = await skiff('status', '-p', profile, '-o', 'json');
    expect(paused.code).toBe(5);
    expect(JSON.parse(paused.stdout)[0].APIServer).toBe('Paused');
    const states = (await docker('ps', '-a', '--filter', `label=skiff.dev/profile=${profile}`, '--filter', 'status=running', '--format', '{{.Names}}'));
    expect(states).toBe(''); // every running container of the profile is paused now
    expect((await skiff('service', 'web', '--url', '-p', profile)).code).toBe(5);
    await ok('unpause', '-p', profile);
    expect((await skiff('status', '-p', profile)).code).toBe(0);
    expect(await eventually(() => get(url), 15_000, 200)).toMatch(/^web-/);
  });

  it('ssh runs a command in the node (busybox applets in the node image); logs prints the node process output', async () => {
    const r = await skiff('ssh', '-p', profile, '--', 'hostname');
    expect([r.code, r.stdout.trim()]).toEqual([0, profile]);
    const failed = await skiff('ssh', '-p', profile, '--', 'sh', '-c', 'ls /skiff/bin && exit 3');
    expect([failed.code, failed.stdout.trim()]).toEqual([3, 'skiff.js']);
    const logs = await skiff('logs', '-p', profile);
    expect(logs.code).toBe(0);
    expect(logs.stdout + logs.stderr).toMatch(new RegExp(`skiff node ${profile}`));
  });

  it('image load takes a docker save tar, ls lists it, load by name is a no-op, rm removes it', async () => {
    await docker('tag', image, savedTag);
    const tar = join(home, 'saved.tar');
    await docker('save', savedTag, '-o', tar);
    await docker('rmi', savedTag);
    expect(await ok('image', 'ls', '-p', profile)).not.toContain(savedTag);
    const loaded = await skiff('image', 'load', tar, '-p', profile);
    expect(loaded.code, loaded.stderr).toBe(0);
    expect(loaded.stderr).toContain(`Loaded image ${savedTag}`);
    expect((await ok('image', 'ls')).split('\n')).toContain(savedTag);
    const [repo, tag] = savedTag.split(':');
    expect(row(await ok('image', 'ls', '--format', 'table'), repo!).slice(0, 2)).toEqual([repo, tag]);
    expect(JSON.parse(await ok('image', 'ls', '--format', 'json')).some((i: any) => i.repoTags.includes(savedTag))).toBe(true);
    const again = await skiff('image', 'load', savedTag);
    expect([again.code, again.stderr]).toEqual([0, `Image ${savedTag} is already on the engine the nodes use: nothing to load\n`]);
    await ok('image', 'rm', savedTag);
    expect(await ok('image', 'ls')).not.toContain(savedTag);
    expect((await skiff('image', 'rm', savedTag)).code).toBe(4);
  });

  it('update-context points a stale kubeconfig entry at the API server again', async () => {
    await k.ok(['config', 'set-cluster', profile, '--server=https://127.0.0.1:1']);
    expect((await k.run(['get', 'nodes'])).code).not.toBe(0);
    const r = await skiff('update-context', '-p', profile);
    expect(r.stderr).toMatch(new RegExp(`"${profile}" context has been updated to point to https://127\\.0\\.0\\.1:\\d+`));
    expect(row(await k.ok(['get', 'nodes']), profile)[1]).toBe('Ready');
    expect((await skiff('update-context', '-p', profile)).stderr).toMatch(/is already up to date/);
  });

  it('stop ends the host proxy; delete --all --purge leaves nothing of the profile, nor SKIFF_HOME', async () => {
    const pid = proxyPid();
    expect(alive(pid)).toBe(true);
    await ok('stop', '-p', profile);
    await eventually(async () => expect(alive(pid)).toBe(false), 5_000, 100);
    const r = await skiff('delete', '--all', '--purge');
    expect(r.code, r.stderr).toBe(0);
    expect(await labelled(profile)).toEqual({ containers: [], networks: [], volumes: [] });
    expect(readFileSync(env.KUBECONFIG, 'utf8')).not.toContain(profile);
    expect(existsSync(env.SKIFF_HOME)).toBe(false);
  });
});
