import { createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_ISSUER,
  generateServiceAccountKey,
  jwks,
  loadOrCreateServiceAccountKey,
  serviceAccountKeyId,
  serviceAccountUser,
  signJwt,
  signServiceAccountToken,
  TokenAuthenticator,
  verifyServiceAccountToken,
  type ServiceAccountTokenOptions,
} from './tokens.js';

const rsa = generateServiceAccountKey('rsa');
const ec = generateServiceAccountKey('ec');

const base: ServiceAccountTokenOptions = {
  namespace: 'default',
  serviceAccountName: 'builder',
  serviceAccountUID: 'sa-uid',
  audiences: [DEFAULT_ISSUER],
  expirationSeconds: 3600,
};

function decode(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('service-account tokens', () => {
  it('carries the claims of upstream bound tokens', () => {
    const now = new Date('2025-01-01T00:00:00Z');
    const token = signServiceAccountToken(rsa, { ...base, podName: 'web-1', podUID: 'pod-uid', nodeName: 'n1', nodeUID: 'node-uid', now });
    const [header, payload] = token.split('.');
    expect(decode(header)).toEqual({ alg: 'RS256', kid: serviceAccountKeyId(rsa) });
    const claims = decode(payload);
    expect(Object.keys(claims)).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'kubernetes.io', 'nbf', 'sub']);
    expect(claims).toMatchObject({
      aud: [DEFAULT_ISSUER],
      iss: 'https://kubernetes.default.svc.cluster.local',
      sub: 'system:serviceaccount:default:builder',
      iat: 1735689600,
      nbf: 1735689600,
      exp: 1735693200,
      'kubernetes.io': {
        namespace: 'default',
        node: { name: 'n1', uid: 'node-uid' },
        pod: { name: 'web-1', uid: 'pod-uid' },
        serviceaccount: { name: 'builder', uid: 'sa-uid' },
      },
    });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('verifies RS256 and ES256 tokens and maps them to the service account user', () => {
    for (const key of [rsa, ec]) {
      const token = signServiceAccountToken(key, { ...base, podName: 'web-1', podUID: 'pod-uid' });
      const claims = verifyServiceAccountToken(token, [createPublicKey(key)]);
      expect(claims, key.asymmetricKeyType).toBeDefined();
      const user = serviceAccountUser(claims!);
      expect(user).toEqual({
        name: 'system:serviceaccount:default:builder',
        uid: 'sa-uid',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
        extra: {
          'authentication.kubernetes.io/pod-name': ['web-1'],
          'authentication.kubernetes.io/pod-uid': ['pod-uid'],
          'authentication.kubernetes.io/credential-id': [`JTI=${claims!.jti}`],
        },
      });
    }
    expect(decode(signServiceAccountToken(ec, base).split('.')[0]).alg).toBe('ES256');
  });

  it('rejects expired and not-yet-valid tokens (with a minute of leeway)', () => {
    const signedAt = new Date('2025-01-01T00:00:00Z');
    const token = signServiceAccountToken(rsa, { ...base, expirationSeconds: 600, now: signedAt });
    const at = (s: number) => verifyServiceAccountToken(token, [rsa], { now: new Date(signedAt.getTime() + s * 1000) });
    expect(at(0)).toBeDefined();
    expect(at(600 + 30)).toBeDefined();
    expect(at(600 + 61)).toBeUndefined();
    expect(at(-30)).toBeDefined();
    expect(at(-120)).toBeUndefined();
  });

  it('rejects tampered tokens, foreign keys, alg swaps and unsigned tokens', () => {
    const token = signServiceAccountToken(rsa, base);
    const [h, p, s] = token.split('.');
    const claims = decode(p);
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url');
    expect(verifyServiceAccountToken(`${h}.${forged}.${s}`, [rsa])).toBeUndefined();
    const flipped = s.slice(0, -4) + (s.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(verifyServiceAccountToken(`${h}.${p}.${flipped}`, [rsa])).toBeUndefined();
    expect(verifyServiceAccountToken(token, [generateServiceAccountKey('rsa')])).toBeUndefined();
    const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    expect(verifyServiceAccountToken(`${none}.${p}.`, [rsa])).toBeUndefined();
    const es = Buffer.from(JSON.stringify({ alg: 'ES256', kid: serviceAccountKeyId(rsa) })).toString('base64url');
    expect(verifyServiceAccountToken(`${es}.${p}.${s}`, [rsa])).toBeUndefined();
    expect(verifyServiceAccountToken('not-a-jwt', [rsa])).toBeUndefined();
    expect(verifyServiceAccountToken('a.b.c', [rsa])).toBeUndefined();
  });

  it('checks issuer, audience and that the subject matches the private claims', () => {
    expect(verifyServiceAccountToken(signServiceAccountToken(rsa, { ...base, issuer: 'https://other' }), [rsa])).toBeUndefined();
    expect(verifyServiceAccountToken(signServiceAccountToken(rsa, { ...base, issuer: 'https://other' }), [rsa], { issuers: ['https://other'] })).toBeDefined();
    const vault = signServiceAccountToken(rsa, { ...base, audiences: ['vault'] });
    expect(verifyServiceAccountToken(vault, [rsa])).toBeUndefined();
    expect(verifyServiceAccountToken(vault, [rsa], { audiences: ['vault'] })).toBeDefined();
    const now = Math.floor(Date.now() / 1000);
    const mismatched = signJwt(rsa, {
      aud: [DEFAULT_ISSUER], exp: now + 600, iat: now, iss: DEFAULT_ISSUER, nbf: now,
      'kubernetes.io': { namespace: 'default', serviceaccount: { name: 'builder', uid: 'u' } },
      sub: 'system:serviceaccount:kube-system:admin',
    });
    expect(verifyServiceAccountToken(mismatched, [rsa])).toBeUndefined();
  });

  it('publishes a JWKS with the key id', () => {
    const set = jwks([rsa, ec]);
    expect(set.keys[0]).toMatchObject({ use: 'sig', kty: 'RSA', kid: serviceAccountKeyId(rsa), alg: 'RS256' });
    expect(set.keys[1]).toMatchObject({ use: 'sig', kty: 'EC', kid: serviceAccountKeyId(ec), alg: 'ES256', crv: 'P-256' });
    expect(set.keys[0]).not.toHaveProperty('d');
  });
});

describe('service-account key files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-sa-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates sa.key (0600) and sa.pub once, then loads the same key', () => {
    const path = join(dir, 'pki', 'sa.key');
    const first = loadOrCreateServiceAccountKey(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toContain('BEGIN EC PRIVATE KEY');
    expect(readFileSync(join(dir, 'pki', 'sa.pub'), 'utf8')).toContain('BEGIN PUBLIC KEY');
    const second = loadOrCreateServiceAccountKey(path);
    expect(serviceAccountKeyId(second)).toBe(serviceAccountKeyId(first));
    const token = signServiceAccountToken(first, base);
    expect(verifyServiceAccountToken(token, [second])).toBeDefined();
  });

  it('can create an RSA key, as kubeadm does', () => {
    const key = loadOrCreateServiceAccountKey(join(dir, 'rsa', 'sa.key'), 'rsa');
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(readFileSync(join(dir, 'rsa', 'sa.key'), 'utf8')).toContain('BEGIN RSA PRIVATE KEY');
  });
});

describe('TokenAuthenticator', () => {
  it('authenticates static tokens and adds system:authenticated once', () => {
    const auth = new TokenAuthenticator();
    auth.add('admin-token', { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
    auth.add('node-token', { name: 'system:node:n1', groups: ['system:nodes'] });
    expect(auth.authenticate('admin-token')).toEqual({ name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
    expect(auth.authenticate('node-token')).toEqual({ name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] });
    expect(auth.authenticate('admin-token ')).toBeUndefined();
    expect(auth.authenticate('')).toBeUndefined();
    expect(auth.authenticate(undefined)).toBeUndefined();
    auth.remove('node-token');
    expect(auth.authenticate('node-token')).toBeUndefined();
  });

  it('replaces the user when a token is added again', () => {
    const auth = new TokenAuthenticator();
    auth.add('t', { name: 'a', groups: [] });
    auth.add('t', { name: 'b', groups: [] });
    expect(auth.authenticate('t')?.name).toBe('b');
  });

  it('issues service-account tokens it then accepts, with an RFC 3339 expiration', () => {
    const auth = new TokenAuthenticator();
    expect(() => auth.issueServiceAccountToken(base)).toThrow(/signing key/);
    auth.setServiceAccountKey(rsa);
    const issued = auth.issueServiceAccountToken({ ...base, expirationSeconds: 600 });
    expect(issued.expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Math.abs(Date.parse(issued.expiration) - Date.now() - 600_000)).toBeLessThan(5_000);
    expect(auth.authenticate(issued.token)?.name).toBe('system:serviceaccount:default:builder');
    // A token for another audience is not an API credential.
    expect(auth.authenticate(auth.issueServiceAccountToken({ ...base, audiences: ['vault'] }).token)).toBeUndefined();
  });

  it('asks the validator whether the service account (and pod) still exist', () => {
    const auth = new TokenAuthenticator();
    auth.setServiceAccountKey(ec);
    const { token } = auth.issueServiceAccountToken(base);
    auth.setServiceAccountValidator((claims) => claims['kubernetes.io'].serviceaccount.uid === 'sa-uid');
    expect(auth.authenticate(token)).toBeDefined();
    auth.setServiceAccountValidator(() => false);
    expect(auth.authenticate(token)).toBeUndefined();
  });

  it('keeps accepting tokens of an extra public key', () => {
    const auth = new TokenAuthenticator();
    auth.setServiceAccountKey(rsa);
    auth.addServiceAccountPublicKey(createPublicKey(ec));
    expect(auth.authenticate(signServiceAccountToken(ec, base))).toBeDefined();
    expect(auth.publicKeys()).toHaveLength(2);
  });
});
