// Kubeconfig files: the admin kubeconfig the control plane writes, in the shape kubectl reads.
import { randomBytes } from 'node:crypto';
import {
  chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync,
  writeFileSync, writeSync, type Stats,
} from 'node:fs';
import { homedir, hostname } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import yaml from 'js-yaml';
import { ExitCode, UserError } from './errors.js';

export interface KubeconfigEntry {
  /** Names the cluster, the user and the context alike (minikube's convention: the profile). */
  name: string;
  server: string;
  caPem: string;
  token: string;
  namespace?: string;
}

export function renderKubeconfig(entry: KubeconfigEntry): string {
  const context: Record<string, string> = { cluster: entry.name, user: entry.name };
  if (entry.namespace) context.namespace = entry.namespace;
  return yaml.dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: entry.name, cluster: { server: entry.server, 'certificate-authority-data': Buffer.from(entry.caPem).toString('base64') } }],
    users: [{ name: entry.name, user: { token: entry.token } }],
    contexts: [{ name: entry.name, context }],
    'current-context': entry.name,
    preferences: {},
  });
}

/** Writes the file whole (temporary file + rename) with mode 0600: it holds a credential. */
export function writeKubeconfig(path: string, entry: KubeconfigEntry): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, renderKubeconfig(entry), { mode: 0o600 });
  renameSync(tmp, path);
}

// ---------------------------------------------------------------------------------------------
// The user's kubeconfig: skiff merges a cluster, a user and a context named after the profile into
// it, as minikube does, and takes them out again on delete. Everything else in the file is kept.

/** The file kubectl writes to: the first entry of $KUBECONFIG, else ~/.kube/config. */
export function kubeconfigPath(): string {
  const first = (process.env.KUBECONFIG ?? '').split(delimiter).find((p) => p.length > 0);
  return first !== undefined ? resolve(first) : join(homedir(), '.kube', 'config');
}

export interface KubeconfigFileOptions {
  /** Defaults to kubeconfigPath(). */
  path?: string;
  /** How long to wait for another writer's lock. */
  lockTimeoutMs?: number;
}

type Doc = Record<string, unknown>;

function isObject(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unreadable(path: string, why: string): UserError {
  return new UserError(`kubeconfig ${path} cannot be read: ${why}`, `fix the file, or point KUBECONFIG at another one`, ExitCode.configInvalid);
}

/** The parsed file, or undefined when it does not exist or is empty. */
function readDoc(path: string): Doc | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let doc: unknown;
  try {
    // CORE_SCHEMA: no timestamps or binary, so values we do not own come back out as they went in.
    doc = yaml.load(text, { schema: yaml.CORE_SCHEMA, filename: path });
  } catch (err) {
    throw unreadable(path, err instanceof Error ? err.message.split('\n')[0]! : String(err));
  }
  if (doc === undefined || doc === null) return undefined;
  if (!isObject(doc)) throw unreadable(path, 'it is not a YAML mapping');
  return doc;
}

function namedList(doc: Doc, key: string, path: string): unknown[] {
  const list = doc[key];
  if (list === undefined || list === null) return (doc[key] = []) as unknown[];
  if (!Array.isArray(list)) throw unreadable(path, `"${key}" is not a list`);
  return list;
}

/** Replaces (or appends) the entry called `name`, keeping its place and its other fields; drops duplicates of it. */
function upsert(doc: Doc, key: string, inner: string, name: string, build: (old: Doc) => Doc, path: string): void {
  const list = namedList(doc, key, path);
  const at = list.findIndex((e) => isObject(e) && e.name === name);
  const old = at >= 0 ? (list[at] as Doc) : {};
  const item = { ...old, name, [inner]: build(isObject(old[inner]) ? old[inner] : {}) };
  if (at < 0) {
    list.push(item);
    return;
  }
  list[at] = item;
  doc[key] = list.filter((e, i) => i <= at || !(isObject(e) && e.name === name));
}

function without(obj: Doc, keys: string[]): Doc {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => !keys.includes(k)));
}

function applyEntry(doc: Doc, entry: KubeconfigEntry, path: string): void {
  doc.apiVersion ??= 'v1';
  doc.kind ??= 'Config';
  // A CA file path or insecure flag left from an earlier cluster of this name would conflict with
  // the CA data (kubectl refuses both); other cluster fields, e.g. extensions, stay.
  upsert(doc, 'clusters', 'cluster', entry.name, (old) => ({
    ...without(old, ['certificate-authority', 'insecure-skip-tls-verify']),
    server: entry.server,
    'certificate-authority-data': Buffer.from(entry.caPem).toString('base64'),
  }), path);
  // Credentials are replaced whole: an old client certificate next to the new token would be sent too.
  upsert(doc, 'users', 'user', entry.name, () => ({ token: entry.token }), path);
  // A namespace the user chose with `kubectl config set-context --current` survives a restart.
  upsert(doc, 'contexts', 'context', entry.name, (old) => ({
    ...old,
    cluster: entry.name,
    user: entry.name,
    ...(entry.namespace ? { namespace: entry.namespace } : {}),
  }), path);
  doc['current-context'] = entry.name;
}

/** Writes to a temporary file beside the target and renames it over, mode 0600: it holds a credential. */
function writeDocAtomic(path: string, doc: Doc): void {
  // A symlinked kubeconfig (dotfiles repos do this) is written through, not replaced by a file.
  const target = existsSync(path) ? realpathSync(path) : path;
  const tmp = `${target}.skiff-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, yaml.dump(doc, { lineWidth: -1, noRefs: true }));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    chmodSync(tmp, 0o600);
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** The server of the cluster entry called `name`; undefined when there is none or the file cannot be read. */
export function clusterServer(name: string, options: KubeconfigFileOptions = {}): string | undefined {
  const path = options.path ?? kubeconfigPath();
  try {
    const doc = readDoc(path);
    const entry = doc && namedList(doc, 'clusters', path).find((e) => isObject(e) && e.name === name);
    const server = isObject(entry) && isObject(entry.cluster) ? entry.cluster.server : undefined;
    return typeof server === 'string' ? server : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Merges the profile's cluster, user and context into the kubeconfig file and makes the context
 * current. Returns the path written.
 */
export async function mergeKubeconfig(entry: KubeconfigEntry, options: KubeconfigFileOptions = {}): Promise<string> {
  const path = options.path ?? kubeconfigPath();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  await withKubeconfigLock(path, options.lockTimeoutMs, () => {
    // A new file starts as kubectl's own do.
    const doc = readDoc(path) ?? { apiVersion: 'v1', kind: 'Config', preferences: {} };
    applyEntry(doc, entry, path);
    writeDocAtomic(path, doc);
  });
  return path;
}

/** Removes the cluster, user and context called `name`; unsets current-context if it named them. False when nothing changed. */
export async function removeFromKubeconfig(name: string, options: KubeconfigFileOptions = {}): Promise<boolean> {
  const path = options.path ?? kubeconfigPath();
  if (!existsSync(path)) return false;
  return withKubeconfigLock(path, options.lockTimeoutMs, () => {
    const doc = readDoc(path);
    if (!doc) return false;
    let changed = false;
    for (const key of ['clusters', 'users', 'contexts']) {
      const list = namedList(doc, key, path);
      const kept = list.filter((e) => !(isObject(e) && e.name === name));
      if (kept.length !== list.length) changed = true;
      doc[key] = kept;
    }
    if (doc['current-context'] === name) {
      delete doc['current-context'];
      changed = true;
    }
    if (changed) writeDocAtomic(path, doc);
    return changed;
  });
}

// ---------------------------------------------------------------------------------------------
// The lock. It is the file client-go (kubectl) itself uses, "<kubeconfig>.lock" created with
// O_EXCL, so skiff and a concurrent `kubectl config ...` exclude each other. A directory lock
// (proper-lockfile's mkdir) would also block kubectl, but could not clear a lock kubectl left behind.
// Ours records pid and host, so a lock whose process died is cleared at once; kubectl's lock is
// empty, so an old one is cleared by age: writers hold it for milliseconds.

const LOCK_STALE_MS = 30_000;

function lockOwnerDead(content: string): boolean | undefined {
  const [pidText, host] = content.split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || host !== hostname()) return undefined;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Removes the lock file if its owner is gone; true when it did (or the lock vanished meanwhile). */
function clearStaleLock(lockPath: string): boolean {
  let before: Stats;
  let content: string;
  try {
    before = statSync(lockPath);
    content = readFileSync(lockPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
  const dead = lockOwnerDead(content);
  const stale = dead ?? Date.now() - before.mtimeMs > LOCK_STALE_MS;
  if (!stale) return false;
  // Only remove the very file judged stale, not a fresh lock another process took since.
  const now = statSync(lockPath, { throwIfNoEntry: false });
  if (now && now.ino === before.ino && now.mtimeMs === before.mtimeMs) rmSync(lockPath, { force: true });
  return true;
}

function tryLock(lockPath: string, token: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, token);
  } finally {
    closeSync(fd);
  }
  return true;
}

async function withKubeconfigLock<T>(path: string, timeoutMs = 10_000, fn: () => T): Promise<T> {
  const lockPath = `${path}.lock`;
  const token = `${process.pid} ${hostname()} ${randomBytes(6).toString('hex')}`;
  const deadline = Date.now() + timeoutMs;
  while (!tryLock(lockPath, token)) {
    if (clearStaleLock(lockPath)) continue;
    if (Date.now() > deadline) {
      throw new UserError(`kubeconfig ${path} is locked by another process (${lockPath})`, `wait for it to finish; if no skiff or kubectl is running, remove ${lockPath}`, ExitCode.timeout);
    }
    await delay(10 + Math.random() * 20);
  }
  try {
    return fn();
  } finally {
    releaseLock(lockPath, token);
  }
}

/** Removes the lock only if it is still ours: if it was judged stale and taken over, the new owner keeps it. */
function releaseLock(lockPath: string, token: string): void {
  try {
    if (readFileSync(lockPath, 'utf8') === token) rmSync(lockPath, { force: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
