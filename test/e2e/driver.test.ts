// The Docker driver against the real engine: images built offline, a profile network with
// DESIGN's addressing, a control-plane node serving the API server on 127.0.0.1, exec, a restart
// that keeps the node's address, and a profile removal that leaves nothing behind.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node } from '../../src/driver/driver.js';
import { LABEL_PROFILE, NODE_STATE_DIR } from '../../src/driver/driver.js';
import { DockerDriver } from '../../src/driver/docker/driver.js';
import { ensureBuilt, prepareNodeImage, prepareSandboxImage } from '../../src/driver/docker/nodeimage.js';
import { parseCidr, overlaps } from '../../src/driver/docker/subnets.js';
import { docker, labelled, probe, requireDocker, uniqueProfile, waitFor } from '../helpers/docker.js';

const driver = new DockerDriver();
const profile = uniqueProfile();
const other = uniqueProfile();
let image = '';

/** How long each step took, printed at the end so runs can be compared. */
const timings: Record<string, number> = {};
async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await fn();
  } finally {
    timings[name] = Math.round(performance.now() - t);
  }
}

async function livez(node: Node): Promise<string> {
  const port = await node.hostPort(6443);
  return waitFor(`/livez on 127.0.0.1:${port}`, async () => {
    const res = await probe(port, '/livez');
    return res.status === 200 ? res.body : undefined;
  }, 30_000, 50);
}

beforeAll(async () => {
  await requireDocker(driver);
  image = await timed('node image: first ensureImage', () => ensureBuilt(driver, prepareNodeImage));
}, 300_000);

afterAll(async () => {
  // By label, so a failed test leaves nothing either.
  await Promise.allSettled([driver.removeProfile(profile), driver.removeProfile(other)]);
  process.stderr.write(`driver e2e timings (ms): ${JSON.stringify(timings)}\n`);
});

describe('docker driver', () => {
  it('tags images by content and does not rebuild an unchanged context', async () => {
    expect(image).toMatch(/^skiff-node:[0-9a-f]{12}$/);
    const again = await timed('node image: second ensureImage', () => ensureBuilt(driver, prepareNodeImage));
    // Only a changed dist/ or node_modules (a build running beside this test) gives another tag.
    expect(again, 'the node image context changed between two calls: is dist/ being rebuilt?').toBe(image);
    expect(timings['node image: second ensureImage']).toBeLessThan(5_000);
    const size = Number(await docker('image', 'inspect', image, '--format', '{{.Size}}'));
    timings['node image size (MB)'] = Math.round(size / 1e6);
    expect(await docker('run', '--rm', image, 'node', '/skiff/bin/skiff.js', '--version')).toMatch(/^skiff \S+ \(Kubernetes v1\.\d+/);

    const sandbox = await timed('sandbox image: ensureImage', () => ensureBuilt(driver, prepareSandboxImage));
    expect(sandbox).toMatch(/^skiff-sandbox:[0-9a-f]{12}$/);
    expect(Number(await docker('image', 'inspect', sandbox, '--format', '{{.Size}}'))).toBeLessThan(5e6);
    expect(await docker('run', '--rm', '--init', sandbox, '/bin/sleep', '0')).toBe('');
  });

  it('builds a Dockerfile context from a local base without pulling, once', async () => {
    const sandbox = await ensureBuilt(driver, prepareSandboxImage);
    const dir = await mkdtemp(join(tmpdir(), 'skiff-build-'));
    try {
      await writeFile(join(dir, 'Dockerfile'), `FROM ${sandbox}\nCOPY hello.txt /hello.txt\nLABEL ${LABEL_PROFILE}=${profile}\n`);
      await writeFile(join(dir, 'hello.txt'), `hello ${profile}\n`);
      const context = { repository: `skiff-e2e-${profile}`, dir };
      const tag = await timed('Dockerfile build: first ensureImage', () => driver.ensureImage(context));
      const created = await docker('image', 'inspect', tag, '--format', '{{.Id}}');
      expect(await timed('Dockerfile build: second ensureImage', () => driver.ensureImage(context))).toBe(tag);
      expect(await docker('image', 'inspect', tag, '--format', '{{.Id}}')).toBe(created);
      await writeFile(join(dir, 'hello.txt'), 'changed\n');
      const changed = await driver.ensureImage(context);
      expect(changed).not.toBe(tag);
      // The superseded tag is pruned, so content changes do not pile up images.
      expect(await docker('images', '-q', tag)).toBe('');
      await docker('rmi', changed);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('gives each profile its own /12 network with the node range in its second /14', async () => {
    const net = await driver.ensureNetwork(profile);
    expect(net.name).toBe(`skiff-${profile}`);
    const subnet = parseCidr(net.subnet);
    expect(subnet.bits).toBe(12);
    expect(net.ipRange).toBe(`10.${(subnet.base >>> 16 & 255) + 4}.0.0/14`);
    expect(net.gateway).toBe(`10.${(subnet.base >>> 16 & 255) + 4}.0.1`);
    expect(await driver.ensureNetwork(profile)).toEqual(net);

    const second = await driver.ensureNetwork(other);
    expect(overlaps(parseCidr(second.subnet), subnet)).toBe(false);
    await driver.removeNetwork(other);
    expect((await labelled(other)).networks).toEqual([]);
  });

  it('runs a control-plane node whose API server answers on 127.0.0.1, and execs in it', async () => {
    const net = await driver.ensureNetwork(profile);
    const name = profile;
    const cp = await driver.createNode({
      profile,
      name,
      role: 'control-plane',
      image,
      netAdmin: true,
      publish: [6443],
      memoryBytes: 512 * 2 ** 20,
      cpus: 1,
      command: ['node', '/skiff/bin/skiff.js', 'control-plane', '--data-dir', NODE_STATE_DIR, '--listen', '0.0.0.0:6443', '--san', '127.0.0.1', '--kubeconfig-out', `${NODE_STATE_DIR}/admin.kubeconfig`],
    });
    await timed('control-plane node: container start', () => cp.start());
    expect(await timed('control-plane node: start to /livez', () => livez(cp))).toBe('ok');

    const ip = await cp.ip();
    expect(ip).toBe(net.ipRange.replace(/\.0\/14$/, '.2'));
    expect(await driver.listNodes(profile)).toMatchObject([{ name, role: 'control-plane', profile }]);

    // The kubeconfig is written once the server is ready, which can be just after /livez answers.
    await waitFor('the admin kubeconfig', async () => ((await cp.exec(['node', '-e', `process.exit(require("fs").existsSync("${NODE_STATE_DIR}/admin.kubeconfig") ? 0 : 1)`])).code === 0 ? true : undefined));
    const hostname = await timed('exec', () => cp.exec(['node', '-e', 'console.log(require("os").hostname()); console.error("to stderr")']));
    expect(hostname).toEqual({ code: 0, stdout: `${name}\n`, stderr: 'to stderr\n' });
    expect((await cp.exec(['node', '-e', 'process.exit(3)'])).code).toBe(3);
    // The state volume is mounted and the engine's socket is there for the kubelet.
    const files = await cp.exec(['node', '-e', `const fs=require("fs"); console.log(fs.existsSync("${NODE_STATE_DIR}/admin.kubeconfig"), fs.statSync("/var/run/docker.sock").isSocket())`]);
    expect(files.stdout.trim()).toBe('true true');
  });

  it('puts a worker on the next address, and it reaches the API server over the profile network', async () => {
    const cp = (await driver.getNode(profile, profile))!;
    const worker = await driver.createNode({
      profile,
      name: `${profile}-m02`,
      role: 'worker',
      image,
      command: ['node', '-e', 'setInterval(() => {}, 1 << 30)'],
    });
    await worker.start();
    const cpIp = await cp.ip();
    expect(await worker.ip()).toBe(cpIp.replace(/\.2$/, '.3'));
    const script = `require("https").get({ host: "${cpIp}", port: 6443, path: "/livez", rejectUnauthorized: false }, (r) => { r.on("data", (d) => process.stdout.write(d)); }).on("error", (e) => { console.error(e.message); process.exit(1); })`;
    expect(await worker.exec(['node', '-e', script])).toMatchObject({ code: 0, stdout: 'ok' });
    expect((await driver.listNodes(profile)).map((n) => n.role)).toEqual(['control-plane', 'worker']);
  });

  it('keeps a node\'s address and state across stop and start', async () => {
    const cp = (await driver.getNode(profile, profile))!;
    const ip = await cp.ip();
    await timed('control-plane node: stop', () => cp.stop());
    expect(await cp.state()).toBe('stopped');
    expect(await cp.ip()).toBe(ip);
    await timed('control-plane node: restart', () => cp.start());
    expect(await cp.state()).toBe('running');
    expect(await cp.ip()).toBe(ip);
    expect(await timed('control-plane node: restart to /livez', () => livez(cp))).toBe('ok');
    await cp.pause();
    expect(await cp.state()).toBe('paused');
    await cp.unpause();
    expect(await driver.listProfiles()).toContain(profile);
  });

  it('removes every container, network and volume of the profile', async () => {
    expect((await labelled(profile)).containers.length).toBe(2);
    await timed('removeProfile', () => driver.removeProfile(profile));
    expect(await labelled(profile)).toEqual({ containers: [], networks: [], volumes: [] });
    expect(await driver.listNodes(profile)).toEqual([]);
    expect(await driver.listProfiles()).not.toContain(profile);
  });
});
