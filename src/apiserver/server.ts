// skiff's Kubernetes API server: HTTPS, authentication, RBAC, discovery, OpenAPI and the
// resource handlers, over a Store. Everything it keeps lives in its data directory.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import type { ResourceDef } from '../api/resource.js';
import { KUBERNETES_VERSION } from '../api/version.js';
import { openStore } from '../storage/index.js';
import type { Store } from '../storage/store.js';
import { DefaultTolerationSeconds, NamespaceLifecycle, ServiceAccountAdmission, ServiceAllocation } from './admission.js';
import { RbacAuthorizer, forbiddenMessage } from './auth/rbac.js';
import { TokenAuthenticator, loadOrCreateServiceAccountKey } from './auth/tokens.js';
import type { UserInfo } from './auth/user.js';
import { bootstrapObjects, firstServiceIp } from './bootstrap.js';
import { PrefixCache } from './cache.js';
import { CrdAdmission, CustomResourceSync } from './crds.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.js';
import { forbidden, internalError, StatusError, unauthorized } from './errors.js';
import { ResourceHandler, sendJson } from './handlers.js';
import { OPENAPI_V2_PROTOBUF_TYPE, OpenApiV3, openApiV2 } from './openapi.js';
import { ensurePki, type ClusterPki } from './pki.js';
import { ResourceRegistry } from './registry.js';
import { parseRequestInfo, type RequestInfo } from './requestinfo.js';
import { ObjectStore, type RequestContext } from './rest.js';
import { parseLabelSelector } from './selectors.js';
import { PodSubresources } from './subresources.js';
import { KubeletClient, writeRawStatus } from './streaming.js';
import type { Duplex } from 'node:stream';


export interface ApiServerOptions {
  dataDir: string;
  host: string;
  port: number;
  /** Extra names and IPs for the serving certificate. */
  extraSans?: string[];
  /** The address other components and pods use to reach this server (the kubernetes Endpoints). */
  advertiseAddress?: string;
  serviceCidr?: string;
  /** Defaults to SQLite in the data directory. */
  store?: Store;
  /** How long new pods tolerate a not-ready or unreachable node (upstream 300 s). */
  defaultTolerationSeconds?: number;
}

/** The subresources that take an upgraded connection (WebSocket or SPDY/3.1). */
const STREAMING_SUBRESOURCES = new Set(['exec', 'attach', 'portforward', 'proxy']);

const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version', '/healthz/ping', '/livez/ping', '/readyz/ping']);

function loadOrCreateToken(dataDir: string, file: string): string {
  const path = join(dataDir, file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const token = randomBytes(32).toString('hex');
  writeFileSync(path, token + '\n', { mode: 0o600 });
  return token;
}

function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(header);
  return m ? m[1].trim() : undefined;
}

export class ApiServer {
  readonly registry = new ResourceRegistry();
  readonly authenticator = new TokenAuthenticator();
  private store!: Store;
  private objects!: ObjectStore;
  private handler!: ResourceHandler;
  private openapi!: OpenApiV3;
  private authorizer!: RbacAuthorizer;
  private caches: PrefixCache[] = [];
  private crdSync!: CustomResourceSync;
  private server?: Server;
  private subresources!: PodSubresources;
  private kubeletClient?: KubeletClient;
  /** Streams in progress, which closeAllConnections no longer sees once upgraded. */
  private readonly upgraded = new Set<Duplex>();
  private ready = false;
  pki!: ClusterPki;
  adminToken!: string;
  nodeToken!: string;
  address = '';

  constructor(private readonly options: ApiServerOptions) {}

  async start(): Promise<void> {
    const { dataDir } = this.options;
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const serviceIp = firstServiceIp(this.options.serviceCidr ?? '10.96.0.0/16');
    this.pki = await ensurePki(join(dataDir, 'pki'), [...(this.options.extraSans ?? []), this.options.host, this.options.advertiseAddress ?? '', serviceIp].filter(Boolean));
    this.adminToken = loadOrCreateToken(dataDir, 'admin.token');
    this.authenticator.add(this.adminToken, { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
    // One credential shared by the node agents: the group system:nodes is bound to system:node.
    this.nodeToken = loadOrCreateToken(dataDir, 'node.token');
    this.authenticator.add(this.nodeToken, { name: 'system:node-agent', groups: ['system:nodes', 'system:authenticated'] });
    this.authenticator.setServiceAccountKey(loadOrCreateServiceAccountKey(join(dataDir, 'pki', 'sa.key')));
    this.store = this.options.store ?? openStore({ kind: 'sqlite', path: join(dataDir, 'state.db') });

    const services = new ServiceAllocation(this.options.serviceCidr);
    const namespaces = new NamespaceLifecycle((name) => this.objects.tryGet(this.def('', 'v1', 'namespaces'), undefined, name));
    const tolerations = new DefaultTolerationSeconds(this.options.defaultTolerationSeconds);
    const serviceAccounts = new ServiceAccountAdmission((namespace, name) => this.objects.tryGet(this.def('', 'v1', 'serviceaccounts'), namespace, name));
    this.objects = new ObjectStore(this.store, this.registry, [namespaces, tolerations, serviceAccounts, services, new CrdAdmission()]);
    this.crdSync = new CustomResourceSync(this.store, this.registry);
    services.restore((await this.objects.list(this.def('', 'v1', 'services'), undefined, everything())).items);

    await this.startCaches();
    this.kubeletClient = new KubeletClient(this.pki.kubeletClient);
    const subresources = new PodSubresources(this.objects, this.registry, this.authorizer, this.authenticator, this.kubeletClient);
    this.subresources = subresources;
    this.handler = new ResourceHandler({ registry: this.registry, objects: this.objects, subresources }, (def) => this.crdSync.crdFor(def));
    this.openapi = new OpenApiV3(this.registry);
    await this.listen();
    // After listen: the kubernetes Endpoints need the port, which may have been picked at random.
    await bootstrapObjects(this.objects, this.registry, this.systemContext(), this.advertise(), firstServiceIp(this.options.serviceCidr ?? '10.96.0.0/16'));
    this.ready = true;
  }

  private advertise(): { address: string; port: number } {
    return { address: this.options.advertiseAddress ?? this.options.host, port: this.port() };
  }

  private async startCaches(): Promise<void> {
    const rbac = new PrefixCache(this.store, '/registry/rbac.authorization.k8s.io/', () => this.authorizer?.invalidate());
    this.caches.push(rbac);
    await rbac.start();
    const key = (resource: string, ...parts: string[]) => `/registry/rbac.authorization.k8s.io/${resource}/${parts.join('/')}`;
    this.authorizer = new RbacAuthorizer({
      getClusterRole: (name) => rbac.get(key('clusterroles', name)),
      getRole: (namespace, name) => rbac.get(key('roles', namespace, name)),
      listClusterRoleBindings: () => rbac.list(key('clusterrolebindings', '')),
      listRoleBindings: (namespace) => rbac.list(key('rolebindings', namespace, '')),
    });
    await this.crdSync.start();
  }

  private def(group: string, version: string, plural: string): ResourceDef {
    const def = this.registry.find(group, version, plural);
    if (!def) throw new Error(`resource ${plural} is not registered`);
    return def;
  }

  private systemContext(): RequestContext {
    return { user: { name: 'system:apiserver', groups: ['system:masters'] }, dryRun: false, fieldValidation: 'Ignore', warnings: [] };
  }

  private async listen(): Promise<void> {
    this.server = createServer(
      { cert: this.pki.server.cert, key: this.pki.server.key, requestCert: false },
      (req, res) => void this.serve(req, res),
    );
    // exec, attach and port-forward (WebSocket or SPDY/3.1) arrive as upgrade requests.
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.serveUpgrade(req, socket, head));
    // Watches and streams stay open for a long time: no request or header timeout here.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 60_000;
    this.server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port, this.options.host, () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    this.address = `https://${host}:${addr.port}`;
  }

  /** A token that lives as long as this process, for a component running inside it. */
  loopbackToken(user: UserInfo): string {
    const token = randomBytes(32).toString('hex');
    this.authenticator.add(token, user);
    return token;
  }

  port(): number {
    const addr = this.server?.address() as AddressInfo | null | undefined;
    return addr?.port ?? this.options.port;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'https://localhost');
      if (PUBLIC_PATHS.has(url.pathname) || url.pathname.startsWith('/readyz/') || url.pathname.startsWith('/livez/') || url.pathname.startsWith('/healthz/')) {
        return this.health(url.pathname, res);
      }
      const user = this.authenticator.authenticate(bearerToken(req));
      if (!user) throw unauthorized();
      const info = parseRequestInfo(req.method ?? 'GET', url);
      this.authorize(user, info);
      if (info.isResourceRequest && info.resource) return await this.handler.handle(req, res, info, url, user);
      return this.nonResource(url, info, req, res);
    } catch (err) {
      this.fail(res, err);
    }
  }

  /**
   * An upgrade request: authenticated and authorized as any other, then piped to the kubelet (or
   * the pod). exec, attach and portforward need `create` as well when they come as a WebSocket
   * GET (authorized as `get`), as upstream 1.35's AuthorizePodWebsocketUpgradeCreatePermission
   * check has it: `get` on pods/exec must not be enough to run commands.
   */
  private async serveUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    this.upgraded.add(socket);
    socket.once('close', () => this.upgraded.delete(socket));
    try {
      const url = new URL(req.url ?? '/', 'https://localhost');
      const parsed = parseRequestInfo(req.method ?? 'GET', url);
      if (!STREAMING_SUBRESOURCES.has(parsed.subresource ?? '')) {
        // Any other request that offers an upgrade is served as the plain request it also is.
        const res = new ServerResponse(req);
        res.assignSocket(socket as Socket);
        res.shouldKeepAlive = false;
        res.once('finish', () => socket.end());
        return await this.serve(req, res);
      }
      const user = this.authenticator.authenticate(bearerToken(req));
      if (!user) throw unauthorized();
      this.authorize(user, parsed);
      const connect = parsed.resource === 'pods' && ['exec', 'attach', 'portforward'].includes(parsed.subresource ?? '');
      if (connect && parsed.verb !== 'create') this.authorize(user, { ...parsed, verb: 'create' });
      const def = parsed.isResourceRequest && parsed.resource && parsed.name
        ? this.registry.find(parsed.apiGroup, parsed.apiVersion, parsed.resource)
        : undefined;
      if (!def || !(def.subresources as string[] | undefined)?.includes(parsed.subresource!)) {
        throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
      }
      await this.subresources.upgrade(def, parsed, req, socket, head);
    } catch (err) {
      writeRawStatus(socket, statusOf(err).toStatus());
    }
  }

  private authorize(user: UserInfo, info: RequestInfo): void {
    const attributes = {
      user,
      verb: info.verb,
      resourceRequest: info.isResourceRequest && info.resource !== undefined,
      namespace: info.namespace,
      apiGroup: info.apiGroup,
      resource: info.resource,
      subresource: info.subresource,
      name: info.name,
      path: info.path,
    };
    const decision = this.authorizer.authorize(attributes);
    if (!decision.allowed) {
      throw forbidden(forbiddenMessage(attributes, decision.reason), {
        name: info.name,
        group: info.apiGroup || undefined,
        kind: info.resource,
      });
    }
  }

  private health(path: string, res: ServerResponse): void {
    if (path === '/version') {
      return sendJson(res, 200, {
        ...KUBERNETES_VERSION,
        gitCommit: '0000000000000000000000000000000000000000',
        gitTreeState: 'clean',
        buildDate: '2026-01-01T00:00:00Z',
        goVersion: `node${process.versions.node}`,
        compiler: 'skiff',
        platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
      });
    }
    const ok = this.ready || path.startsWith('/livez') || path.startsWith('/healthz');
    res.writeHead(ok ? 200 : 500, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    res.end(ok ? 'ok' : `[-]skiff-bootstrap failed: not finished\n${path.split('/')[1]} check failed`);
  }

  private nonResource(url: URL, info: RequestInfo, req: IncomingMessage, res: ServerResponse): void {
    const path = url.pathname.replace(/\/+$/, '');
    let body: unknown;
    if (path === '/api') body = apiVersions(`${this.options.advertiseAddress ?? this.options.host}:${this.port()}`);
    else if (path === '/apis') body = apiGroupList(this.registry);
    else if (info.apiPrefix === 'api' && info.apiVersion) body = apiResourceList(this.registry, '', info.apiVersion);
    else if (info.apiPrefix === 'apis' && info.apiVersion) body = apiResourceList(this.registry, info.apiGroup, info.apiVersion);
    else if (info.apiPrefix === 'apis' && info.apiGroup) body = apiGroup(this.registry, info.apiGroup);
    else if (path === '/openapi/v2') return this.openApiV2(res, (req.headers.accept ?? '').includes('protobuf'));
    else if (path === '/openapi/v3') body = this.openapi.index();
    else if (path.startsWith('/openapi/v3/')) {
      const doc = this.openapi.document(path.slice('/openapi/v3/'.length));
      if (doc) {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'public, immutable' });
        res.end(doc);
        return;
      }
    }
    if (body === undefined) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    sendJson(res, 200, body);
  }

  private openApiV2(res: ServerResponse, protobuf: boolean): void {
    const doc = openApiV2(this.registry);
    res.writeHead(200, { 'Content-Type': protobuf ? OPENAPI_V2_PROTOBUF_TYPE : 'application/json' });
    res.end(protobuf ? doc.protobuf : doc.json);
  }

  private fail(res: ServerResponse, err: unknown): void {
    const status = statusOf(err);
    if (res.headersSent) {
      if (!res.writableEnded) res.end();
      return;
    }
    sendJson(res, status.code, status.toStatus());
  }

  async stop(): Promise<void> {
    this.ready = false;
    for (const cache of this.caches) cache.stop();
    this.crdSync?.stop();
    this.kubeletClient?.close();
    if (this.server) {
      this.server.closeAllConnections();
      for (const socket of this.upgraded) socket.destroy();
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    }
    await this.store?.close();
  }
}

/** The Status a failed request answers with; anything but a StatusError is a bug, logged. */
function statusOf(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  console.error('skiff apiserver: internal error:', err);
  return internalError(err);
}

function everything() {
  return { labelSelector: parseLabelSelector(undefined), fieldSelector: parseLabelSelector(undefined) };
}
