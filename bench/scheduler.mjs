#!/usr/bin/env node
// bench/scheduler: how fast pods go from created to Running through skiff's scheduler, on hollow
// nodes. Starts `skiff control-plane` (SQLite, scheduler and controllers on) and `skiff agent
// --runtime fake --count N`, creates pods with 8 concurrent clients, and reads one pod watch to
// time each pod's binding (spec.nodeName) and Running (status.phase). Prints throughput from the
// first create to the last Running pod and p50/p99 latencies. Only 127.0.0.1 is contacted; every
// loop and wait is bounded; the child processes are stopped by PID and the temp dir removed.
//
//   npm run build && node bench/scheduler.mjs [--pods 3000] [--nodes 100] [--clients 8] [--timeout 180] [--bin bin/skiff.js]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const skiff = args.bin ?? join(root, 'bin/skiff.js');
const podCount = Number(args.pods ?? 3000);
const nodeCount = Number(args.nodes ?? 100);
const clients = Number(args.clients ?? 8);
const timeoutMs = Number(args.timeout ?? 180) * 1000;
const namespace = 'bench';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Starts a child with stderr kept for error reports; stdout is discarded. */
function start(argv, label) {
  const child = spawn(process.execPath, [skiff, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderrText = '';
  child.stderr.on('data', (d) => {
    child.stderrText = (child.stderrText + d).slice(-8000);
  });
  child.label = label;
  return child;
}

async function stop(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  if (await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])) return;
  child.kill('SIGKILL');
  await Promise.race([exited, sleep(2000)]);
}

async function waitForFile(path, child, ms = 30_000) {
  for (let waited = 0; waited < ms && !existsSync(path); waited += 100) {
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  if (!existsSync(path)) throw new Error(`${child.label} did not write ${path}: ${child.stderrText}`);
}

function loadKubeconfig(path) {
  const config = yaml.load(readFileSync(path, 'utf8'));
  const cluster = config.clusters[0].cluster;
  return { server: new URL(cluster.server), ca: Buffer.from(cluster['certificate-authority-data'], 'base64'), token: config.users[0].user.token };
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
            if (res.statusCode >= 300) reject(Object.assign(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 300)}`), { status: res.statusCode }));
            else resolve(text ? JSON.parse(text) : {});
          });
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  };
}

/** A pod watch from `resourceVersion`, reopened (a bounded number of times) if the server ends it. */
function watchPods(env, resourceVersion, onEvent) {
  let rv = resourceVersion;
  let req;
  let stopped = false;
  let reopens = 0;
  const open = () => {
    const path = `/api/v1/namespaces/${namespace}/pods?watch=true&allowWatchBookmarks=true&timeoutSeconds=900&resourceVersion=${rv}`;
    req = https.request({ host: env.server.hostname, port: env.server.port, path, ca: env.ca, headers: { Authorization: `Bearer ${env.token}` } }, (res) => {
      let buffer = '';
      res.on('data', (chunk) => {
        const now = performance.now();
        buffer += chunk;
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (!line.trim()) continue;
          const event = JSON.parse(line);
          if (event.object?.metadata?.resourceVersion) rv = event.object.metadata.resourceVersion;
          if (event.type !== 'BOOKMARK' && event.type !== 'ERROR') onEvent(event, now);
        }
      });
      res.on('end', () => !stopped && reopens++ < 20 && open());
    });
    req.on('error', () => !stopped && reopens++ < 20 && setTimeout(open, 200));
    req.end();
  };
  open();
  return { stop: () => ((stopped = true), req?.destroy()) };
}

function pod(name) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'bench' } },
    spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
  };
}

/** Does `skiff control-plane` know --node-kubeconfig-out yet? (The agent should not run as admin.) */
function supportsNodeKubeconfig() {
  const help = spawnSync(process.execPath, [skiff, 'control-plane', '--help'], { encoding: 'utf8' });
  return help.stdout.includes('--node-kubeconfig-out');
}

async function waitForNodes(request, want, ms) {
  const deadline = Date.now() + ms;
  let ready = 0;
  while (Date.now() < deadline) {
    const nodes = await request('GET', '/api/v1/nodes');
    ready = nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    if (ready >= want) return ready;
    await sleep(250);
  }
  throw new Error(`only ${ready}/${want} nodes became Ready`);
}

async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-sched-'));
  const adminKc = join(dir, 'admin.kubeconfig');
  const nodeKc = join(dir, 'node.kubeconfig');
  const nodeFlag = supportsNodeKubeconfig();
  const children = [];
  try {
    const cpArgs = ['control-plane', '--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0', '--kubeconfig-out', adminKc];
    if (nodeFlag) cpArgs.push('--node-kubeconfig-out', nodeKc);
    else console.error('note: control-plane has no --node-kubeconfig-out yet; the agent uses the admin kubeconfig');
    const cp = start(cpArgs, 'control-plane');
    children.push(cp);
    await waitForFile(adminKc, cp);
    if (nodeFlag) await waitForFile(nodeKc, cp);
    const env = loadKubeconfig(adminKc);
    const request = client(env);

    const agent = start(['agent', '--kubeconfig', nodeFlag ? nodeKc : adminKc, '--node-name', 'hollow', '--runtime', 'fake', '--count', String(nodeCount)], 'agent');
    children.push(agent);
    const t0 = performance.now();
    await waitForNodes(request, nodeCount, 60_000).catch((err) => {
      throw new Error(`${err.message}\nagent: ${agent.stderrText}`);
    });
    console.error(`${nodeCount} hollow nodes Ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    await request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const list = await request('GET', `/api/v1/namespaces/${namespace}/pods`);

    const created = new Map();
    const bound = new Map();
    const running = new Map();
    const nodesUsed = new Set();
    let allRunning;
    const done = new Promise((r) => (allRunning = r));
    const watch = watchPods(env, list.metadata.resourceVersion, (event, at) => {
      const p = event.object;
      const name = p?.metadata?.name;
      if (!name || event.type === 'DELETED') return;
      if (p.spec?.nodeName && !bound.has(name)) (bound.set(name, at), nodesUsed.add(p.spec.nodeName));
      if (p.status?.phase === 'Running' && !running.has(name)) {
        running.set(name, at);
        if (running.size === podCount) allRunning();
      }
    });

    // Creates: `clients` concurrent loops over a shared counter.
    const names = Array.from({ length: podCount }, (_, i) => `bench-${i}`);
    let next = 0;
    const firstCreate = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < podCount) {
          const i = next++;
          created.set(names[i], performance.now());
          await request('POST', `/api/v1/namespaces/${namespace}/pods`, pod(names[i]));
        }
      }),
    );
    const createSeconds = (performance.now() - firstCreate) / 1000;
    const finished = await Promise.race([done.then(() => true), sleep(timeoutMs).then(() => false)]);
    watch.stop();

    if (running.size === 0) throw new Error(`no pod reached Running (${bound.size} bound)\nagent: ${agent.stderrText}\ncontrol-plane: ${cp.stderrText}`);
    const lastRunning = Math.max(...running.values());
    const total = (lastRunning - firstCreate) / 1000;
    const toRunning = [...running].map(([n, t]) => t - created.get(n)).sort((a, b) => a - b);
    const toBound = [...bound].map(([n, t]) => t - created.get(n)).sort((a, b) => a - b);
    const ms = (v) => `${v.toFixed(0)} ms`;
    console.log(`\nbench/scheduler: ${podCount} pods on ${nodeCount} hollow nodes, ${clients} concurrent clients`);
    if (!finished) console.log(`WARNING: only ${running.size}/${podCount} pods Running after ${timeoutMs / 1000} s (${bound.size} bound)`);
    console.table([
      { metric: 'creates finished', value: `${createSeconds.toFixed(2)} s (${(podCount / createSeconds).toFixed(0)} pods/s)` },
      { metric: 'first create → all Running', value: `${total.toFixed(2)} s` },
      { metric: 'throughput', value: `${(running.size / total).toFixed(0)} pods/s` },
      { metric: 'create → bound p50', value: ms(percentile(toBound, 50)) },
      { metric: 'create → bound p99', value: ms(percentile(toBound, 99)) },
      { metric: 'create → Running p50', value: ms(percentile(toRunning, 50)) },
      { metric: 'create → Running p99', value: ms(percentile(toRunning, 99)) },
      { metric: 'nodes used', value: String(nodesUsed.size) },
    ]);
    return finished;
  } finally {
    for (const child of children.reverse()) await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

run().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err) => {
    console.error(err.stack ?? err);
    process.exit(1);
  },
);
