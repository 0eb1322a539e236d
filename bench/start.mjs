#!/usr/bin/env node
// bench/start: how fast `skiff start` gives a Ready cluster (warm image cache), how fast a pod of
// a Deployment runs compared with a bare `docker run` of the same image (the floor), and how much
// memory the node container uses. Each run uses its own profile, SKIFF_HOME and KUBECONFIG, and is
// deleted afterwards. Traffic goes only to 127.0.0.1 and the cluster's own containers.
//
//   npm run build && node bench/start.mjs [--runs 3]
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const skiffBin = join(root, 'bin/skiff.js');
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const runs = Number(args.runs ?? 3);
const IMAGE = 'skiff-bench-busybox:1';

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

async function podRunningSeconds(env) {
  const t = performance.now();
  sh('kubectl', ['create', 'deployment', 'bench', `--image=${IMAGE}`, '--', 'sleep', '3600'], env);
  for (let i = 0; i < 600; i++) {
    const out = sh('kubectl', ['get', 'pods', '-l', 'app=bench', '-o', 'jsonpath={.items[*].status.phase}'], env);
    if (out.trim() === 'Running') return (performance.now() - t) / 1000;
    await sleep(20);
  }
  throw new Error('the pod did not run within 12 s');
}

function nodeMemoryMiB(profile) {
  const text = sh('docker', ['stats', '--no-stream', '--format', '{{.MemUsage}}', profile]).trim();
  const [used] = text.split('/');
  const m = /([\d.]+)\s*([KMG]i?B)/.exec(used);
  const factor = { KiB: 1 / 1024, MiB: 1, GiB: 1024, kB: 1 / 1000, MB: 1, GB: 1000 }[m[2]] ?? 1;
  return Number(m[1]) * factor;
}

async function oneRun(i) {
  const home = mkdtempSync(join(tmpdir(), 'skiff-bench-start-'));
  const profile = `bench-${process.pid}-${i}`;
  const env = { ...process.env, SKIFF_HOME: join(home, 'skiff'), KUBECONFIG: join(home, 'kubeconfig') };
  try {
    const t = performance.now();
    sh(process.execPath, [skiffBin, 'start', '-p', profile], env);
    const start = (performance.now() - t) / 1000;
    const pod = await podRunningSeconds(env);
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
]);
