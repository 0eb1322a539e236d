import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError, encodeQuery, isAlreadyExists, isConflict, isGone, isNotFound, readKubeconfig, resourcePath } from './client.js';
import { Resources } from './resources.js';

describe('resourcePath', () => {
  it('builds core, group, namespaced and subresource paths', () => {
    expect(resourcePath(Resources.pods, 'ns')).toBe('/api/v1/namespaces/ns/pods');
    expect(resourcePath(Resources.pods, undefined)).toBe('/api/v1/pods');
    expect(resourcePath(Resources.pods, 'ns', 'p', 'binding')).toBe('/api/v1/namespaces/ns/pods/p/binding');
    expect(resourcePath(Resources.nodes, 'ignored', 'n1', 'status')).toBe('/api/v1/nodes/n1/status');
    expect(resourcePath(Resources.deployments, 'ns', 'web', 'scale')).toBe('/apis/apps/v1/namespaces/ns/deployments/web/scale');
    expect(resourcePath(Resources.clusterroles, undefined, 'system:node')).toBe('/apis/rbac.authorization.k8s.io/v1/clusterroles/system%3Anode');
  });

  it('encodes query options, skipping unset ones', () => {
    expect(encodeQuery(undefined)).toBe('');
    expect(encodeQuery({ a: undefined, b: '' })).toBe('');
    expect(encodeQuery({ labelSelector: 'app in (a,b)', limit: 500, watch: true })).toBe('?labelSelector=app+in+%28a%2Cb%29&limit=500&watch=true');
  });
});

describe('ApiError', () => {
  it('reads code, reason and message from a Status body', () => {
    const err = ApiError.fromResponse(404, JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'pods "x" not found', reason: 'NotFound', code: 404 }));
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ code: 404, reason: 'NotFound', message: 'pods "x" not found' });
    expect(err.status?.kind).toBe('Status');
    expect(isNotFound(err)).toBe(true);
  });

  it('falls back to the HTTP code for other bodies', () => {
    expect(ApiError.fromResponse(503, 'busy')).toMatchObject({ code: 503, reason: 'ServiceUnavailable', message: 'busy' });
    expect(ApiError.fromResponse(410, '')).toMatchObject({ code: 410, reason: 'Expired', message: 'HTTP 410' });
  });

  it('tells conflicts from already-exists, for fakes too', () => {
    expect(isConflict(new ApiError(409, 'Conflict', ''))).toBe(true);
    expect(isConflict(new ApiError(409, 'AlreadyExists', ''))).toBe(false);
    expect(isAlreadyExists({ code: 409, reason: 'AlreadyExists' })).toBe(true);
    expect(isGone(new ApiError(410, 'Expired', ''))).toBe(true);
    expect(isNotFound(new Error('x'))).toBe(false);
    expect(isNotFound(undefined)).toBe(false);
  });
});

describe('readKubeconfig', () => {
  it('reads the current context (inline CA data, or CA and token files)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-kc-'));
    writeFileSync(join(dir, 'ca.pem'), 'PEM-FILE');
    writeFileSync(join(dir, 'token'), 'tok-file\n');
    writeFileSync(join(dir, 'config'), `
apiVersion: v1
kind: Config
current-context: second
contexts:
- name: first
  context: { cluster: c1, user: u1 }
- name: second
  context: { cluster: c2, user: u2 }
clusters:
- name: c1
  cluster: { server: "https://127.0.0.1:1", certificate-authority-data: ${Buffer.from('PEM-1').toString('base64')} }
- name: c2
  cluster: { server: "https://127.0.0.1:2", certificate-authority: ca.pem }
users:
- name: u1
  user: { token: tok-1 }
- name: u2
  user: { tokenFile: token }
`);
    expect(readKubeconfig(join(dir, 'config'))).toEqual({ server: 'https://127.0.0.1:2', caPem: 'PEM-FILE', token: 'tok-file' });
    writeFileSync(join(dir, 'config2'), `
current-context: first
contexts: [{ name: first, context: { cluster: c1, user: u1 } }]
clusters: [{ name: c1, cluster: { server: "https://127.0.0.1:1", certificate-authority-data: ${Buffer.from('PEM-1').toString('base64')} } }]
users: [{ name: u1, user: { token: tok-1 } }]
`);
    expect(readKubeconfig(join(dir, 'config2'))).toEqual({ server: 'https://127.0.0.1:1', caPem: 'PEM-1', token: 'tok-1' });
  });
});
