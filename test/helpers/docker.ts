// Helpers for e2e tests against the real Docker engine. Checks go through the docker CLI, not the
// driver, so the driver's claims are verified by something it does not control.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { request } from 'node:https';
import { promisify } from 'node:util';
import type { Driver } from '../../src/driver/driver.js';
import { LABEL_PROFILE } from '../../src/driver/driver.js';
import { DockerUnavailableError } from '../../src/driver/errors.js';

const run = promisify(execFile);

/** A profile name no other run uses, so parallel or leftover runs never collide. */
export function uniqueProfile(prefix = 'e2e'): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** Fails with the driver's own message and fix when there is no usable engine (CI installs one first). */
export async function requireDocker(driver: Driver): Promise<void> {
  try {
    await driver.ping();
  } catch (err) {
    if (err instanceof DockerUnavailableError) throw new Error(`${err.message}; ${err.fix} (or run scripts/install-docker.sh)`);
    throw err;
  }
}

export interface Labelled {
  containers: string[];
  networks: string[];
  volumes: string[];
}

/** Everything the engine holds with the profile's label, as `docker … ls` lists it. */
export async function labelled(profile: string): Promise<Labelled> {
  const filter = `label=${LABEL_PROFILE}=${profile}`;
  const list = async (args: string[]): Promise<string[]> => (await run('docker', [...args, '--filter', filter, '--format', '{{.Name}}'])).stdout.split('\n').filter(Boolean);
  const [containers, networks, volumes] = await Promise.all([
    (async () => (await run('docker', ['ps', '-a', '--filter', filter, '--format', '{{.Names}}'])).stdout.split('\n').filter(Boolean))(),
    list(['network', 'ls']),
    list(['volume', 'ls']),
  ]);
  return { containers, networks, volumes };
}

export async function docker(...args: string[]): Promise<string> {
  return (await run('docker', args)).stdout.trim();
}

export interface Probe {
  status: number;
  body: string;
}

/** GET over HTTPS without verifying the certificate: a liveness probe, not an API client. */
export function probe(port: number, path: string, host = '127.0.0.1'): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method: 'GET', rejectUnauthorized: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET https://${host}:${port}${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Polls until fn returns a value (not undefined) or the deadline passes; the last error is kept. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/** GET http://ip:port/ from the host: a pod's or node's own address on a profile network. */
export function fetchText(ip: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpGet({ host: ip, port, path: '/', timeout: 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}
