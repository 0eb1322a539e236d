#!/usr/bin/env node
// bench/start: how fast `skiff start` gives a Ready cluster (warm image cache), how fast a pod of
// a Deployment runs compared with a bare `docker run` of the same image (the floor), and how much
// memory the node container uses. Each run uses its own profile, SKIFF_HOME and KUBECONFIG, and is
// deleted afterwards. Traffic goes only to 127.0.0.1 and the cluster's own containers.
//
//   npm run build && node bench/start.mjs [--runs 3]
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import yaml from 'js-yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const skiffBin = join(root, 'bin/skiff.js');
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const runs = Number(args.runs ?? 3);
const IMAGE = 'skiff-bench-busybox:1';

const execFileAsync = promisify(execFile);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sh = (cmd, argv, env) => execFileSync(cmd, argv, { encoding: 'utf8', env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(values) {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), max: s[s.length - 1] };
}

/** The workload image: Debian's static busybox in an empty image (no registry). */
function ensureImage() {
  if (spawnSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore' }).status === 0) return;
  if (!existsSync('/bin/busybox')) throw new Error('/bin/busybox is missing: apt-get install busybox-static');
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-img-'));
  try {
    copyFileSync('/bin/busybox', join(dir, 'busybox'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n');
    sh('docker', ['build', '-q', '-t', IMAGE, dir]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Seconds from `docker run -d` until the container runs: the floor for a pod's start. */
function bareDockerRun() {
  const t = performance.now();
  const id = sh('docker', ['run', '-d', '--rm', IMAGE, 'sleep', '30']).trim();
  const s = (performance.now() - t) / 1000;
  sh('docker', ['rm', '-f', id]);
  return s;
}

/** The admin credentials `skiff start` wrote for the profile. */
function kubeAccess(kubeconfigPath, profile) {
  const config = yaml.load(readFileSync(kubeconfigPath, 'utf8'));
  const cluster = config.clusters.find((c) => c.name === profile).cluster;
  const user = config.users.find((u) => u.name === profile).user;
  return { server: new URL(cluster.server), ca: Buffer.from(cluster['certificate-authority-data'], 'base64'), token: user.token };
}

/** Resolves with the time a pod labelled app=<app> is first seen Running, read from one watch. */
function watchForRunning(access, app) {
  let req;
  const running = new Promise((resolve, reject) => {
    req = https.request({
      host: access.server.hostname, port: access.server.port, ca: access.ca,
      path: `/api/v1/namespaces/default/pods?watch=true&labelSelector=app%3D${app}`,
      headers: { Authorization: `Bearer ${access.token}` },
    }, (res) => {
      let buffer = '';
      res.on('data', (chunk) => {
        buffer += chunk;
        for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
          const event = JSON.parse(buffer.slice(0, nl));
          buffer = buffer.slice(nl + 1);
          if (event.object?.status?.phase === 'Running') resolve(performance.now());
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
  const timeout = sleep(15_000).then(() => { throw new Error('the pod did not run within 15 s'); });
  return { running: Promise.race([running, timeout]), close: () => req.destroy() };
}

/** Seconds from `kubectl create deployment` (the CLI's own start-up included, as for docker run) to Running. */
async function podRunningSeconds(env, profile) {
  const watch = watchForRunning(kubeAccess(env.KUBECONFIG, profile), 'bench');
  try {
    await sleep(200); // the watch is open before the Deployment exists
    const t = performance.now();
    // Asynchronously: the watch's events must be timed as they arrive, not after kubectl exits.
    await execFileAsync('kubectl', ['create', 'deployment', 'bench', `--image=${IMAGE}`, '--', 'sleep', '3600'], { env });
    return (await watch.running - t) / 1000;
  } finally {
    watch.close();
  }
}

function nodeMemoryMiB(container) {
  const text = sh('docker', ['stats', '--no-stream', '--format', '{{.MemUsage}}', container]).trim();
  const [used] = text.split('/');
  const m = /([\d.]+)\s*([KMG]i?B)/.exec(used);
  const factor = { KiB: 1 / 1024, MiB: 1, GiB: 1024, kB: 1 / 1000, MB: 1, GB: 1000 }[m[2]] ?? 1;
  return Number(m[1]) * factor;
}

/** One two-node cluster, for the worker node's memory (its kubelet and kube-proxy only). */
async function workerMemoryMiB() {
  const home = mkdtempSync(join(tmpdir(), 'skiff-bench-start-'));
  const profile = `bench-${process.pid}-w`;
  const env = { ...process.env, SKIFF_HOME: join(home, 'skiff'), KUBECONFIG: join(home, 'kubeconfig') };
  try {
    sh(process.execPath, [skiffBin, 'start', '-p', profile, '--nodes', '2'], env);
    await sleep(2000);
    return nodeMemoryMiB(`${profile}-m02`);
  } finally {
    spawnSync(process.execPath, [skiffBin, 'delete', '-p', profile], { env, stdio: 'ignore' });
    rmSync(home, { recursive: true, force: true });
  }
}

async function oneRun(i) {
  const home = mkdtempSync(join(tmpdir(), 'skiff-bench-start-'));
  const profile = `bench-${process.pid}-${i}`;
  const env = { ...process.env, SKIFF_HOME: join(home, 'skiff'), KUBECONFIG: join(home, 'kubeconfig') };
  try {
    const t = performance.now();
    sh(process.execPath, [skiffBin, 'start', '-p', profile], env);
    const start = (performance.now() - t) / 1000;
    const pod = await podRunningSeconds(env, profile);
    await sleep(2000); // let the node settle before reading its memory
    return { start, pod, memory: nodeMemoryMiB(profile) };
  } finally {
    spawnSync(process.execPath, [skiffBin, 'delete', '-p', profile], { env, stdio: 'ignore' });
    rmSync(home, { recursive: true, force: true });
  }
}

ensureImage();
// Warm the image cache (node and sandbox images are built on the first start only).
process.stderr.write('warm-up run (builds the images if needed)…\n');
await oneRun('warmup');
const results = [];
for (let i = 0; i < runs; i++) {
  process.stderr.write(`run ${i + 1}/${runs}…\n`);
  results.push(await oneRun(i));
}
process.stderr.write('a two-node cluster for the worker\'s memory…\n');
const worker = await workerMemoryMiB();
const floor = [];
for (let i = 0; i < Math.max(3, runs); i++) floor.push(bareDockerRun());

const start = summary(results.map((r) => r.start));
const pod = summary(results.map((r) => r.pod));
const bare = summary(floor);
const memory = summary(results.map((r) => r.memory));
console.log(`\nbench/start: ${runs} runs, warm image cache`);
console.table([
  { metric: 'skiff start → Ready cluster (s)', p50: start.p50.toFixed(2), max: start.max.toFixed(2) },
  { metric: 'create deployment → pod Running (s)', p50: pod.p50.toFixed(2), max: pod.max.toFixed(2) },
  { metric: 'bare docker run → running (s)', p50: bare.p50.toFixed(2), max: bare.max.toFixed(2) },
  { metric: 'pod Running / docker run (ratio)', p50: (pod.p50 / bare.p50).toFixed(2), max: '' },
  { metric: 'control-plane node memory (MiB)', p50: memory.p50.toFixed(1), max: memory.max.toFixed(1) },
  { metric: 'worker node memory (MiB)', p50: worker.toFixed(1), max: '' },
]);
