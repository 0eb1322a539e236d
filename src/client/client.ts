// The thin typed API client every component talks through: JSON over HTTPS with a keep-alive agent
// that trusts the cluster CA, bearer-token auth, Status answers thrown as ApiError, and watches read
// as newline-delimited JSON events from a streamed response.
import https from 'node:https';
import tls from 'node:tls';
import type { IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import yaml from 'js-yaml';
import type { KubeObject } from '../api/types.js';
import { ApiError } from './errors.js';
import type {
  Client,
  ClientConfig,
  DeleteOptions,
  ListOptions,
  ObjectList,
  PatchType,
  ResourceRef,
  WatchEvent,
  WatchHandle,
  WatchOptions,
  WriteOptions,
} from './types.js';

export { ApiError, errorCode, isAlreadyExists, isConflict, isForbidden, isGone, isInvalid, isNotFound, isTooManyRequests } from './errors.js';

export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** Connections kept for requests (watches have their own): client-go's QPS limit serves the same end. */
const MAX_REQUEST_SOCKETS = 16;

/** Requests other than watches give up after this long (a hung server must not hang a controller). */
const REQUEST_TIMEOUT_MS = 60_000;

type Query = Record<string, string | number | boolean | undefined>;

interface RequestSpec {
  method: string;
  path: string;
  query?: Query;
  body?: unknown;
  contentType?: string;
}

/** The URL path of a resource: collection, object or subresource. */
export function resourcePath(ref: ResourceRef, namespace: string | undefined, name?: string, subresource?: string): string {
  let path = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
  if (ref.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
  path += `/${ref.resource}`;
  if (name !== undefined) path += `/${encodeURIComponent(name)}`;
  if (subresource) path += `/${subresource}`;
  return path;
}

/** Encodes options as a query string, skipping unset values ("" when there are none). */
export function encodeQuery(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function writeQuery(options: WriteOptions | undefined, type?: PatchType, defaultManager?: string): Query {
  const fieldManager = options?.fieldManager ?? (type === 'apply' ? defaultManager : undefined);
  return {
    dryRun: options?.dryRun ? 'All' : undefined,
    fieldManager,
    force: type === 'apply' && options?.force ? true : undefined,
  };
}

export class ApiClient implements Client {
  private readonly agent: https.Agent;
  private readonly watchAgent: https.Agent;
  private readonly base: URL;
  private readonly userAgent: string;

  constructor(readonly config: ClientConfig) {
    this.base = new URL(config.server);
    this.userAgent = config.userAgent ?? 'skiff';
    // keepAlive reuses TLS connections (a handshake per request would dominate local latency);
    // sockets are unlimited because every open watch holds one.
    // One secure context for every connection: given only `ca`, each new socket would parse it again.
    const secureContext = config.caPem ? tls.createSecureContext({ ca: config.caPem }) : undefined;
    // Requests share a bounded pool of kept-alive connections: a burst (hundreds of events at once)
    // queues for a socket instead of opening, and then closing, a TLS connection per request.
    this.agent = new https.Agent({ keepAlive: true, secureContext, maxSockets: MAX_REQUEST_SOCKETS, maxFreeSockets: MAX_REQUEST_SOCKETS });
    // Each watch holds its connection for as long as it runs, so watches never wait on that pool.
    this.watchAgent = new https.Agent({ keepAlive: false, secureContext });
  }

  /** A client for the current context of a kubeconfig (server, CA data or file, token or tokenFile). */
  static fromKubeconfig(path: string, userAgent?: string): ApiClient {
    return new ApiClient({ ...readKubeconfig(path), userAgent });
  }

  /** Closes idle keep-alive connections (open watches are stopped by their handles). */
  close(): void {
    this.agent.destroy();
    this.watchAgent.destroy();
  }

  async get<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, name: string, subresource?: string): Promise<T> {
    return this.request<T>({ method: 'GET', path: resourcePath(ref, namespace, name, subresource) });
  }

  async list<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace?: string, options: ListOptions = {}): Promise<ObjectList<T>> {
    const query: Query = {
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      limit: options.limit,
      continue: options.continue,
      resourceVersion: options.resourceVersion,
    };
    return this.request<ObjectList<T>>({ method: 'GET', path: resourcePath(ref, namespace), query });
  }

  async create<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, obj: KubeObject, options?: WriteOptions): Promise<T> {
    const ns = namespace ?? obj.metadata.namespace;
    return this.request<T>({ method: 'POST', path: resourcePath(ref, ns), query: writeQuery(options), body: withTypeMeta(ref, obj) });
  }

  async update<T extends KubeObject = KubeObject>(
    ref: ResourceRef, namespace: string | undefined, obj: KubeObject, subresource?: string, options?: WriteOptions,
  ): Promise<T> {
    const ns = namespace ?? obj.metadata.namespace;
    const name = obj.metadata.name;
    if (!name) throw new Error(`update of a ${ref.kind} needs metadata.name`);
    return this.request<T>({
      method: 'PUT', path: resourcePath(ref, ns, name, subresource), query: writeQuery(options), body: withTypeMeta(ref, obj),
    });
  }

  async patch<T extends KubeObject = KubeObject>(
    ref: ResourceRef, namespace: string | undefined, name: string, type: PatchType, patch: unknown, subresource?: string, options?: WriteOptions,
  ): Promise<T> {
    // Apply patches need a field manager; the user agent names this component.
    return this.request<T>({
      method: 'PATCH',
      path: resourcePath(ref, namespace, name, subresource),
      query: writeQuery(options, type, this.userAgent),
      body: patch,
      contentType: PATCH_CONTENT_TYPES[type],
    });
  }

  async delete(ref: ResourceRef, namespace: string | undefined, name: string, options?: DeleteOptions): Promise<void> {
    const body = options ? { apiVersion: 'v1', kind: 'DeleteOptions', ...options } : undefined;
    await this.request({ method: 'DELETE', path: resourcePath(ref, namespace, name), body });
  }

  async createSubresource<T = unknown>(ref: ResourceRef, namespace: string | undefined, name: string, subresource: string, body: unknown): Promise<T> {
    return this.request<T>({ method: 'POST', path: resourcePath(ref, namespace, name, subresource), body });
  }

  watch<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    namespace: string | undefined,
    options: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
    onClose: (err?: Error) => void,
  ): WatchHandle {
    const query: Query = {
      watch: 'true',
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      resourceVersion: options.resourceVersion,
      timeoutSeconds: options.timeoutSeconds,
      allowWatchBookmarks: options.allowWatchBookmarks ? 'true' : undefined,
    };
    return new WatchStream<T>(this, resourcePath(ref, namespace) + encodeQuery(query), onEvent, onClose);
  }

  /** Raw access for paths the typed methods do not cover (discovery, /version, logs). */
  async raw(method: string, path: string, body?: unknown, contentType?: string): Promise<string> {
    const res = await this.send({ method, path, body, contentType });
    return res.text;
  }

  /** Opens a request; used by watches (no timeout, streamed) and by `send`. */
  openRequest(method: string, pathAndQuery: string, headers: Record<string, string | number> = {}, streaming = false): ReturnType<typeof https.request> {
    const url = new URL(this.base.pathname.replace(/\/$/, '') + pathAndQuery, this.base);
    return https.request(url, {
      method,
      agent: streaming ? this.watchAgent : this.agent,
      headers: {
        Accept: 'application/json',
        Authorization: `Bearer ${this.config.token}`,
        'User-Agent': this.userAgent,
        ...headers,
      },
    });
  }

  private async request<T>(spec: RequestSpec): Promise<T> {
    const res = await this.send(spec);
    return (res.text ? JSON.parse(res.text) : {}) as T;
  }

  /** One request with a retry when a reused keep-alive socket turns out closed by the server. */
  private async send(spec: RequestSpec): Promise<{ status: number; text: string }> {
    try {
      return await this.sendOnce(spec);
    } catch (err) {
      if ((err as { reusedSocket?: boolean }).reusedSocket) return this.sendOnce(spec);
      throw err;
    }
  }

  private sendOnce(spec: RequestSpec): Promise<{ status: number; text: string }> {
    const payload = spec.body === undefined ? undefined : Buffer.from(JSON.stringify(spec.body));
    const headers: Record<string, string | number> = {};
    if (payload) {
      headers['Content-Type'] = spec.contentType ?? 'application/json';
      headers['Content-Length'] = payload.length;
    }
    return new Promise((resolve, reject) => {
      const req = this.openRequest(spec.method, spec.path + encodeQuery(spec.query), headers);
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`${spec.method} ${spec.path}: timed out after ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', (err: NodeJS.ErrnoException & { reusedSocket?: boolean }) => {
        // Node's documented keep-alive race: the server closed an idle socket as we reused it.
        if (req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) err.reusedSocket = true;
        reject(err);
      });
      req.on('response', (res) => {
        readText(res).then((text) => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve({ status, text });
          else reject(ApiError.fromResponse(status, text));
        }, reject);
      });
      req.end(payload);
    });
  }
}

/** Lists and single objects from the server carry kind/apiVersion; bodies we send must too. */
function withTypeMeta(ref: ResourceRef, obj: KubeObject): KubeObject {
  if (obj.apiVersion && obj.kind) return obj;
  return { ...obj, apiVersion: obj.apiVersion ?? (ref.group ? `${ref.group}/${ref.version}` : ref.version), kind: obj.kind ?? ref.kind };
}

function readText(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

/** One open watch: splits the stream into lines, parses each as an event, reports the end once. */
class WatchStream<T extends KubeObject> implements WatchHandle {
  private closed = false;
  private buffer = '';
  private readonly req: ReturnType<typeof https.request>;

  constructor(
    client: ApiClient,
    pathAndQuery: string,
    private readonly onEvent: (event: WatchEvent<T>) => void,
    private readonly onClose: (err?: Error) => void,
  ) {
    this.req = client.openRequest('GET', pathAndQuery, {}, true);
    this.req.on('error', (err) => this.finish(err));
    this.req.on('response', (res) => this.onResponse(res));
    this.req.end();
  }

  stop(): void {
    if (this.closed) return;
    this.finish();
    this.req.destroy();
  }

  private onResponse(res: IncomingMessage): void {
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      readText(res).then((text) => this.finish(ApiError.fromResponse(status, text)), (err: Error) => this.finish(err));
      return;
    }
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.onData(chunk));
    res.on('end', () => {
      this.flushLine(this.buffer);
      this.finish();
    });
    res.on('error', (err) => this.finish(err));
    // A socket torn down before 'end' (server killed) surfaces only as 'close' on some Node versions.
    res.on('close', () => this.finish(res.complete ? undefined : new Error('watch stream closed unexpectedly')));
  }

  private onData(chunk: string): void {
    const text = this.buffer + chunk;
    // Walk the lines with an index and keep only the unfinished tail (no re-slicing per line).
    let start = 0;
    let nl: number;
    while (!this.closed && (nl = text.indexOf('\n', start)) >= 0) {
      this.flushLine(text.slice(start, nl));
      start = nl + 1;
    }
    this.buffer = this.closed ? '' : text.slice(start);
  }

  private flushLine(line: string): void {
    if (this.closed || !line.trim()) return;
    let event: WatchEvent<T>;
    try {
      event = JSON.parse(line) as WatchEvent<T>;
    } catch (err) {
      this.finish(new Error(`watch: malformed event: ${(err as Error).message}`));
      this.req.destroy();
      return;
    }
    this.onEvent(event);
  }

  private finish(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(err);
  }
}

interface KubeconfigDoc {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user: string } }[];
  clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string } }[];
  users?: { name: string; user: { token?: string; tokenFile?: string } }[];
}

/** Server, CA and token of a kubeconfig's current context. */
export function readKubeconfig(path: string): ClientConfig {
  const doc = (yaml.load(readFileSync(path, 'utf8')) ?? {}) as KubeconfigDoc;
  const contextName = doc['current-context'];
  const context = doc.contexts?.find((c) => c.name === contextName)?.context ?? doc.contexts?.[0]?.context;
  const cluster = (doc.clusters?.find((c) => c.name === context?.cluster) ?? doc.clusters?.[0])?.cluster;
  const user = (doc.users?.find((u) => u.name === context?.user) ?? doc.users?.[0])?.user;
  if (!cluster?.server) throw new Error(`${path}: the current context names no cluster server`);
  const relative = (file: string) => resolvePath(dirname(path), file);
  const caPem = cluster['certificate-authority-data']
    ? Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8')
    : cluster['certificate-authority'] ? readFileSync(relative(cluster['certificate-authority']), 'utf8') : '';
  const token = user?.token ?? (user?.tokenFile ? readFileSync(relative(user.tokenFile), 'utf8').trim() : '');
  if (!token) throw new Error(`${path}: the current context's user has no token`);
  return { server: cluster.server, caPem, token };
}
