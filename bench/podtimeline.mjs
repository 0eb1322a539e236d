#!/usr/bin/env node
// bench/podtimeline: where one pod's start goes. Creates a one-replica Deployment through the API
// and prints, in ms from the create call, the watch events of its ReplicaSet, pod and events with
// the Docker engine's events for the profile's containers (sandbox create/start, volume writes,
// app container create/start). Only 127.0.0.1 and the engine's socket are contacted; it ends
// after a fixed 3 s. The Deployment is left for the caller's cluster (delete it, or the profile).
//
//   node bench/podtimeline.mjs KUBECONFIG PROFILE IMAGE NAME
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import yaml from 'js-yaml';
const [kubeconfig, profile, image, name] = process.argv.slice(2);
const cfg = yaml.load(readFileSync(kubeconfig, 'utf8'));
const cluster = cfg.clusters.find((c) => c.name === profile).cluster;
const token = cfg.users.find((u) => u.name === profile).user.token;
const server = new URL(cluster.server);
const ca = Buffer.from(cluster['certificate-authority-data'], 'base64');
const agent = new https.Agent({ keepAlive: true, ca });
const out = [];
let t0 = 0;
let tWall = 0; // the create call, in the engine's clock (Unix ms)
const at = () => (performance.now() - t0).toFixed(0).padStart(5);
function req(method, path, body) {
  return new Promise((resolve, reject) => {
    const r = https.request({ host: server.hostname, port: server.port, agent, method, path, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } }, (res) => {
      let d = ''; res.on('data', (c) => (d += c)); res.on('end', () => resolve(d));
    });
    r.on('error', reject); if (body) r.write(JSON.stringify(body)); r.end();
  });
}
function watch(path, onEvent) {
  const r = https.request({ host: server.hostname, port: server.port, agent: new https.Agent({ ca }), path, headers: { Authorization: `Bearer ${token}` } }, (res) => {
    let b = ''; res.on('data', (c) => { b += c; for (let i = b.indexOf('\n'); i >= 0; i = b.indexOf('\n')) { onEvent(JSON.parse(b.slice(0, i))); b = b.slice(i + 1); } });
  });
  r.end(); return r;
}
const w1 = watch(`/api/v1/namespaces/default/pods?watch=true&labelSelector=app%3D${name}`, (e) => {
  const p = e.object; const cs = p.status?.containerStatuses?.[0];
  out.push(`${at()} pod ${e.type} node=${p.spec.nodeName ?? '-'} phase=${p.status?.phase} ip=${p.status?.podIP ?? '-'} c=${cs ? Object.keys(cs.state)[0] : '-'}`);
});
const w2 = watch(`/apis/apps/v1/namespaces/default/replicasets?watch=true&labelSelector=app%3D${name}`, (e) => out.push(`${at()} rs ${e.type}`));
const w3 = watch(`/api/v1/namespaces/default/events?watch=true`, (e) => out.push(`${at()} event ${e.object.reason} ${e.object.involvedObject.kind}`));
const dev = spawn('docker', ['events', '--filter', `label=skiff.dev/profile=${profile}`, '--format', '{{.TimeNano}} {{.Type}} {{.Action}} {{.Actor.Attributes.name}}']);
let db = '';
dev.stdout.on('data', (c) => { db += c; for (let i = db.indexOf('\n'); i >= 0; i = db.indexOf('\n')) { const [ns, type, action, n] = db.slice(0, i).split(' '); db = db.slice(i + 1); out.push(`${(Number(BigInt(ns) / 1000000n) - tWall).toString().padStart(5)} docker ${type} ${action} ${(n ?? '').slice(0, 24)}`); } });
await new Promise((r) => setTimeout(r, 800));
tWall = Date.now(); t0 = performance.now();
await req('POST', '/apis/apps/v1/namespaces/default/deployments', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image, command: ['sleep', '3600'] }] } } } });
out.push(`${at()} create returned`);
await new Promise((r) => setTimeout(r, 3000));
dev.kill(); w1.destroy(); w2.destroy(); w3.destroy();
const key = (l) => Number(l.trim().split(' ')[0]);
console.log(out.sort((a, b) => key(a) - key(b)).join('\n'));
process.exit(0);
