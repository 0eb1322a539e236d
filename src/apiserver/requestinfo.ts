// Turns a request's method and path into the attributes Kubernetes authorizes and serves
// (apiserver pkg/endpoints/request/requestinfo.go).

export interface RequestInfo {
  isResourceRequest: boolean;
  path: string;
  verb: string; // get list watch create update patch delete deletecollection, or the HTTP verb for non-resource paths
  apiPrefix?: 'api' | 'apis';
  apiGroup: string;
  apiVersion: string;
  namespace?: string;
  resource?: string;
  subresource?: string;
  name?: string;
  /** Path segments after the subresource (for proxy). */
  rest: string[];
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

function verbFor(method: string, hasName: boolean, watch: boolean): string {
  switch (method) {
    case 'POST':
      return 'create';
    case 'GET':
    case 'HEAD':
      if (watch) return 'watch';
      return hasName ? 'get' : 'list';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

export function parseRequestInfo(method: string, url: URL): RequestInfo {
  const path = url.pathname;
  const nonResource: RequestInfo = { isResourceRequest: false, path, verb: method.toLowerCase(), apiGroup: '', apiVersion: '', rest: [] };
  const parts = path.split('/').filter((p) => p.length > 0).map(decodeURIComponent);
  if (parts[0] !== 'api' && parts[0] !== 'apis') return nonResource;
  const apiPrefix = parts[0];
  let rest = parts.slice(1);
  let apiGroup = '';
  if (apiPrefix === 'apis') {
    if (rest.length < 2) return { ...nonResource, apiPrefix, apiGroup: rest[0] ?? '' };
    apiGroup = rest[0];
    rest = rest.slice(1);
  }
  if (rest.length < 1) return { ...nonResource, apiPrefix };
  const apiVersion = rest[0];
  rest = rest.slice(1);
  if (rest.length === 0) return { ...nonResource, apiPrefix, apiGroup, apiVersion };

  let namespace: string | undefined;
  let watchPath = false;
  if (rest[0] === 'watch') {
    // The deprecated /watch/ path prefix.
    watchPath = true;
    rest = rest.slice(1);
  }
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2])) rest = rest.slice(2);
  }
  const [resource, name, subresource, ...tail] = rest;
  const watchParam = url.searchParams.get('watch');
  const watch = watchPath || watchParam === 'true' || watchParam === '1';
  const verb = verbFor(method, name !== undefined, watch);
  return {
    isResourceRequest: true,
    path,
    verb,
    apiPrefix,
    apiGroup,
    apiVersion,
    namespace,
    resource,
    name,
    subresource,
    rest: tail,
  };
}
