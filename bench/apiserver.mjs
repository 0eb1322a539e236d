#!/usr/bin/env node
// bench/apiserver: latency percentiles of create, get, update, list and watch delivery against a
// real `skiff control-plane` (SQLite store), at 1 000 and 10 000 pods with 8 concurrent clients,
// and the server's resident memory. Only 127.0.0.1 is contacted; every loop is bounded.
//
//   npm run build && node bench/apiserver.mjs [--sizes 1000,10000] [--clients 8]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const sizes = (args.sizes ?? '1000,10000').split(',').map(Number);
const clients = Number(args.clients ?? 8);

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(name, samples) {
  const s = [...samples].sort((a, b) => a - b);
  return { op: name, n: s.length, p50: percentile(s, 50).toFixed(2), p99: percentile(s, 99).toFixed(2), max: s[s.length - 1]?.toFixed(2) };
}

async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const child = spawn(process.execPath, [join(root, 'bin/skiff.js'), 'control-plane', '--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0', '--kubeconfig-out', kubeconfig, '--controllers=-*', '--no-scheduler'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  for (let i = 0; i < 300 && !existsSync(kubeconfig); i++) await new Promise((r) => setTimeout(r, 100));
  if (!existsSync(kubeconfig)) throw new Error(`control plane did not start: ${stderr}`);
  const config = yaml.load(readFileSync(kubeconfig, 'utf8'));
  const cluster = config.clusters[0].cluster;
  return {
    child,
    dir,
    server: new URL(cluster.server),
    ca: Buffer.from(cluster['certificate-authority-data'], 'base64'),
    token: config.users[0].user.token,
  };
}

function client(env) {
  const agent = new https.Agent({ keepAlive: true, maxSockets: clients * 2, ca: env.ca });
  return function request(method, path, body) {
    return new Promise((resolve, reject) => {
      const payload = body ? JSON.stringify(body) : undefined;
      const req = https.request(
        { host: env.server.hostname, port: env.server.port, method, path, agent, headers: { Authorization: `Bearer ${env.token}`, 'Content-Type': 'application/json', Accept: 'application/json' } },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            if (res.statusCode >= 300) reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 200)}`));
            else resolve(JSON.parse(text));
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  };
}

function pod(name) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'bench', shard: String(name.length % 4) } },
    spec: { containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'], resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
  };
}

/** Runs `count` operations over `clients` concurrent workers, timing each one. */
async function timed(count, op) {
  const samples = [];
  let next = 0;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < count) {
      const i = next++;
      const start = performance.now();
      const measured = await op(i); // an op may time its own part (a number of milliseconds)
      samples.push(typeof measured === 'number' ? measured : performance.now() - start);
    }
  }));
  return samples;
}

function openWatch(env, onEvent) {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: env.server.hostname, port: env.server.port, path: '/api/v1/namespaces/default/pods?watch=true&resourceVersion=', ca: env.ca, headers: { Authorization: `Bearer ${env.token}` } }, (res) => {
      let buffer = '';
      res.on('data', (chunk) => {
        const now = performance.now();
        buffer += chunk;
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          onEvent(JSON.parse(buffer.slice(0, nl)), now);
          buffer = buffer.slice(nl + 1);
        }
      });
      resolve(req);
    });
    req.on('error', reject);
    req.end();
  });
}

function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

async function run(size) {
  const env = await startServer();
  const request = client(env);
  try {
    const sent = new Map();
    const delivery = [];
    const watchReq = await openWatch(env, (event, at) => {
      const name = event.object?.metadata?.name;
      if (event.type === 'ADDED' && sent.has(name)) delivery.push(at - sent.get(name));
    });
    const names = Array.from({ length: size }, (_, i) => `bench-${i}`);
    const create = await timed(size, async (i) => {
      sent.set(names[i], performance.now());
      await request('POST', '/api/v1/namespaces/default/pods', pod(names[i]));
    });
    const get = await timed(Math.min(size, 2000), (i) => request('GET', `/api/v1/namespaces/default/pods/${names[i]}`));
    const update = await timed(Math.min(size, 2000), async (i) => {
      const current = await request('GET', `/api/v1/namespaces/default/pods/${names[i]}`);
      current.metadata.labels.touched = 'yes';
      const start = performance.now();
      await request('PUT', `/api/v1/namespaces/default/pods/${names[i]}`, current);
      return performance.now() - start;
    });
    const list = await timed(Math.min(20, Math.max(5, 20000 / size)), () => request('GET', '/api/v1/namespaces/default/pods'));
    const listSelected = await timed(20, () => request('GET', '/api/v1/namespaces/default/pods?labelSelector=shard%3D1&limit=500'));
    for (let i = 0; i < 50 && delivery.length < size; i++) await new Promise((r) => setTimeout(r, 100));
    watchReq.destroy();
    const rss = rssMiB(env.child.pid);
    return { size, rows: [summary('create', create), summary('get', get), summary('update (PUT)', update), summary('list all', list), summary('list labelSelector limit=500', listSelected), summary('create→watch event', delivery)], rss };
  } finally {
    env.child.kill('SIGTERM');
    await new Promise((r) => env.child.once('exit', r));
    rmSync(env.dir, { recursive: true, force: true });
  }
}

for (const size of sizes) {
  const { rows, rss } = await run(size);
  console.log(`\n${size} pods, ${clients} concurrent clients (milliseconds)`);
  console.table(rows);
  console.log(`server RSS after the run: ${rss.toFixed(1)} MiB`);
}
