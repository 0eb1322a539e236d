// Bearer-token authentication: static tokens (the admin token, node tokens) and signed
// service-account JWTs with the claims of upstream's bound tokens (pkg/serviceaccount/claims.go,
// jwt.go), signed and verified with node:crypto (RS256, or ES256/384/512 for EC keys).
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  sign as cryptoSign,
  timingSafeEqual,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  parseServiceAccountUsername,
  serviceAccountGroups,
  serviceAccountUsername,
  withAuthenticatedGroup,
  type UserInfo,
} from './user.js';

/** The issuer kube-apiserver uses when --service-account-issuer is the in-cluster DNS name. */
export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** Clock skew tolerated on exp/nbf/iat, as go-jose's DefaultLeeway. */
const LEEWAY_SECONDS = 60;

// Extra keys upstream puts on a service account's user (pkg/serviceaccount/util.go).
export const POD_NAME_KEY = 'authentication.kubernetes.io/pod-name';
export const POD_UID_KEY = 'authentication.kubernetes.io/pod-uid';
export const NODE_NAME_KEY = 'authentication.kubernetes.io/node-name';
export const NODE_UID_KEY = 'authentication.kubernetes.io/node-uid';
export const CREDENTIAL_ID_KEY = 'authentication.kubernetes.io/credential-id';

export interface ServiceAccountTokenOptions {
  namespace: string;
  serviceAccountName: string;
  serviceAccountUID: string;
  podName?: string;
  podUID?: string;
  nodeName?: string;
  nodeUID?: string;
  audiences: string[];
  expirationSeconds: number;
  issuer?: string;
  /** For tests: the signing time. */
  now?: Date;
}

interface Ref {
  name: string;
  uid: string;
}

/** The decoded payload of a bound service-account token. */
export interface ServiceAccountClaims {
  aud: string[];
  exp: number;
  iat: number;
  iss: string;
  jti?: string;
  'kubernetes.io': {
    namespace: string;
    node?: Ref;
    pod?: Ref;
    serviceaccount: Ref;
    warnafter?: number;
  };
  nbf: number;
  sub: string;
}

export interface VerifyOptions {
  /** Accepted issuers; DEFAULT_ISSUER when omitted. */
  issuers?: string[];
  /** The API audiences: a token must name at least one. DEFAULT_ISSUER when omitted, as upstream. */
  audiences?: string[];
  now?: Date;
}

type JwtAlgorithm = 'RS256' | 'ES256' | 'ES384' | 'ES512';

const EC_ALGORITHMS: Record<string, JwtAlgorithm> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };
const HASHES: Record<JwtAlgorithm, string> = { RS256: 'sha256', ES256: 'sha256', ES384: 'sha384', ES512: 'sha512' };

/** The JWS algorithm for a key, from its type (and curve). */
export function algorithmFor(key: KeyObject): JwtAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec') {
    const alg = EC_ALGORITHMS[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (alg) return alg;
  }
  throw new Error(`unsupported service-account key type: ${key.asymmetricKeyType ?? 'unknown'}`);
}

function publicOf(key: KeyObject): KeyObject {
  return key.type === 'private' ? createPublicKey(key) : key;
}

// Key ids are looked up on every token verification: remember them per key object.
const keyIds = new WeakMap<KeyObject, string>();

/** Upstream's keyIDFromPublicKey: base64url(sha256(PKIX DER of the public key)). */
export function serviceAccountKeyId(key: KeyObject): string {
  let kid = keyIds.get(key);
  if (kid === undefined) {
    const der = publicOf(key).export({ type: 'spki', format: 'der' });
    kid = createHash('sha256').update(der).digest('base64url');
    keyIds.set(key, kid);
  }
  return kid;
}

function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Unix seconds. */
function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** RFC 3339 without fractions, as metav1.Time serialises. */
export function rfc3339(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The claims of a bound token, keys sorted as go-jose's merged-map serialisation emits them. */
export function serviceAccountClaims(opts: ServiceAccountTokenOptions): ServiceAccountClaims {
  const now = seconds(opts.now ?? new Date());
  const k8s = { namespace: opts.namespace } as ServiceAccountClaims['kubernetes.io'];
  if (opts.nodeName) k8s.node = { name: opts.nodeName, uid: opts.nodeUID ?? '' };
  if (opts.podName) k8s.pod = { name: opts.podName, uid: opts.podUID ?? '' };
  k8s.serviceaccount = { name: opts.serviceAccountName, uid: opts.serviceAccountUID };
  return {
    aud: [...opts.audiences],
    exp: now + opts.expirationSeconds,
    iat: now,
    iss: opts.issuer ?? DEFAULT_ISSUER,
    jti: randomUUID(),
    'kubernetes.io': k8s,
    nbf: now,
    sub: serviceAccountUsername(opts.namespace, opts.serviceAccountName),
  };
}

/** Signs any claims as a compact JWS with the key's algorithm and kid. */
export function signJwt(key: KeyObject, claims: object): string {
  const alg = algorithmFor(key);
  const signingInput = `${b64json({ alg, kid: serviceAccountKeyId(key) })}.${b64json(claims)}`;
  // ECDSA JWS signatures are r||s (IEEE P1363), not DER.
  const signature = cryptoSign(HASHES[alg], Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** A bound service-account token (what TokenRequest and projected volumes hand out). */
export function signServiceAccountToken(key: KeyObject, opts: ServiceAccountTokenOptions): string {
  return signJwt(key, serviceAccountClaims(opts));
}

interface DecodedJwt {
  header: { alg?: string; kid?: string };
  payload: Record<string, unknown>;
  signingInput: Buffer;
  signature: Buffer;
}

function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as DecodedJwt['header'];
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    if (!header || typeof header !== 'object' || !payload || typeof payload !== 'object') return undefined;
    return { header, payload, signingInput: Buffer.from(`${parts[0]}.${parts[1]}`), signature: Buffer.from(parts[2], 'base64url') };
  } catch {
    return undefined;
  }
}

function signatureValid(jwt: DecodedJwt, keys: KeyObject[]): boolean {
  // Only the key's own algorithm is accepted: a token cannot choose "none" or a weaker scheme.
  const candidates = keys.map(publicOf).filter((k) => !jwt.header.kid || serviceAccountKeyId(k) === jwt.header.kid);
  return candidates.some((key) => {
    const alg = algorithmFor(key);
    if (jwt.header.alg !== alg) return false;
    try {
      return cryptoVerify(HASHES[alg], jwt.signingInput, { key, dsaEncoding: 'ieee-p1363' }, jwt.signature);
    } catch {
      return false;
    }
  });
}

function audienceList(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}

function timesValid(p: Record<string, unknown>, now: number): boolean {
  if (typeof p.exp !== 'number' || now > p.exp + LEEWAY_SECONDS) return false;
  if (typeof p.nbf === 'number' && now < p.nbf - LEEWAY_SECONDS) return false;
  if (typeof p.iat === 'number' && now < p.iat - LEEWAY_SECONDS) return false;
  return true;
}

function isRef(value: unknown): value is Ref {
  return !!value && typeof value === 'object' && typeof (value as Ref).name === 'string';
}

/** The private claims must agree with the subject (upstream's validator checks the same). */
function privateClaimsValid(p: Record<string, unknown>): boolean {
  const k8s = p['kubernetes.io'] as ServiceAccountClaims['kubernetes.io'] | undefined;
  if (!k8s || typeof k8s !== 'object' || typeof k8s.namespace !== 'string' || !isRef(k8s.serviceaccount)) return false;
  const sub = typeof p.sub === 'string' ? parseServiceAccountUsername(p.sub) : undefined;
  return !!sub && sub.namespace === k8s.namespace && sub.name === k8s.serviceaccount.name;
}

/**
 * Verifies a service-account JWT: signature by one of the keys, issuer, audience, time window and
 * claim consistency. Returns the claims, or undefined for any token that is not valid.
 */
export function verifyServiceAccountToken(token: string, keys: KeyObject[], opts: VerifyOptions = {}): ServiceAccountClaims | undefined {
  const jwt = decodeJwt(token);
  if (!jwt || !signatureValid(jwt, keys)) return undefined;
  const p = jwt.payload;
  if (typeof p.iss !== 'string' || !(opts.issuers ?? [DEFAULT_ISSUER]).includes(p.iss)) return undefined;
  const apiAudiences = opts.audiences ?? [DEFAULT_ISSUER];
  if (!audienceList(p.aud).some((a) => apiAudiences.includes(a))) return undefined;
  if (!timesValid(p, seconds(opts.now ?? new Date()))) return undefined;
  if (!privateClaimsValid(p)) return undefined;
  return { ...(p as unknown as ServiceAccountClaims), aud: audienceList(p.aud) };
}

/** The user a service-account token stands for (serviceaccount.ServiceAccountInfo.UserInfo). */
export function serviceAccountUser(claims: ServiceAccountClaims): UserInfo {
  const k8s = claims['kubernetes.io'];
  const extra: Record<string, string[]> = {};
  if (k8s.pod?.name && k8s.pod.uid) {
    extra[POD_NAME_KEY] = [k8s.pod.name];
    extra[POD_UID_KEY] = [k8s.pod.uid];
  }
  if (claims.jti) extra[CREDENTIAL_ID_KEY] = [`JTI=${claims.jti}`];
  if (k8s.node?.name) {
    extra[NODE_NAME_KEY] = [k8s.node.name];
    if (k8s.node.uid) extra[NODE_UID_KEY] = [k8s.node.uid];
  }
  const user: UserInfo = {
    name: serviceAccountUsername(k8s.namespace, k8s.serviceaccount.name),
    uid: k8s.serviceaccount.uid,
    groups: serviceAccountGroups(k8s.namespace),
  };
  if (Object.keys(extra).length) user.extra = extra;
  return withAuthenticatedGroup(user);
}

/** A fresh signing key: RSA 2048 like kubeadm's sa.key, or EC P-256. */
export function generateServiceAccountKey(type: 'rsa' | 'ec' = 'rsa'): KeyObject {
  const pair = type === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return pair.privateKey;
}

/** PEM as kubeadm writes sa.key: PKCS#1 for RSA, SEC1 for EC. */
export function privateKeyPem(key: KeyObject): string {
  const type = key.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'sec1';
  return key.export({ type, format: 'pem' }).toString();
}

export function publicKeyPem(key: KeyObject): string {
  return publicOf(key).export({ type: 'spki', format: 'pem' }).toString();
}

export function loadServiceAccountKey(path: string): KeyObject {
  const key = createPrivateKey(readFileSync(path));
  algorithmFor(key); // fail early on a key type tokens cannot be signed with
  return key;
}

/**
 * Loads the signing key from `path` or creates it (mode 0600), with the public half beside it as
 * sa.pub, so tokens stay valid across restarts. New keys are EC P-256 (ES256, which upstream
 * accepts as well as RS256): made in a millisecond where RSA-2048 costs half a second of the
 * first start, and quicker to sign with.
 */
export function loadOrCreateServiceAccountKey(path: string, type: 'rsa' | 'ec' = 'ec'): KeyObject {
  if (existsSync(path)) return loadServiceAccountKey(path);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = generateServiceAccountKey(type);
  writeFileSync(path, privateKeyPem(key), { mode: 0o600 });
  writeFileSync(path.replace(/\.key$/, '') + '.pub', publicKeyPem(key), { mode: 0o644 });
  return key;
}

/** The JSON Web Key Set served at /openid/v1/jwks. */
export function jwks(keys: KeyObject[]): { keys: Record<string, unknown>[] } {
  return {
    keys: keys.map((key) => {
      const pub = publicOf(key);
      const { kty, ...material } = pub.export({ format: 'jwk' });
      return { use: 'sig', kty, kid: serviceAccountKeyId(pub), alg: algorithmFor(pub), ...material };
    }),
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export interface IssuedToken {
  token: string;
  /** RFC 3339, for TokenRequest's status.expirationTimestamp. */
  expiration: string;
}

/** Checks a verified token's objects still exist (service account, pod) with the same UIDs. */
export type ServiceAccountTokenValidator = (claims: ServiceAccountClaims) => boolean;

export class TokenAuthenticator {
  private readonly statics: { digest: Buffer; user: UserInfo }[] = [];
  private signingKey?: KeyObject;
  private readonly verifyKeys: KeyObject[] = [];
  private validator?: ServiceAccountTokenValidator;

  constructor(private readonly options: { issuer?: string; apiAudiences?: string[] } = {}) {}

  /** A static token (admin, node): the user gains system:authenticated like any authenticated user. */
  add(token: string, user: UserInfo): void {
    this.remove(token);
    this.statics.push({ digest: digest(token), user: withAuthenticatedGroup(user) });
  }

  remove(token: string): void {
    const d = digest(token);
    const i = this.statics.findIndex((s) => timingSafeEqual(s.digest, d));
    if (i >= 0) this.statics.splice(i, 1);
  }

  /** The private key signs new tokens; its public half verifies them. */
  setServiceAccountKey(key: KeyObject): void {
    this.signingKey = key;
    this.addServiceAccountPublicKey(key);
  }

  /** More keys to accept (e.g. a rotated-out key whose tokens are still valid). */
  addServiceAccountPublicKey(key: KeyObject): void {
    const pub = publicOf(key);
    const kid = serviceAccountKeyId(pub);
    if (!this.verifyKeys.some((k) => serviceAccountKeyId(k) === kid)) this.verifyKeys.push(pub);
  }

  publicKeys(): KeyObject[] {
    return [...this.verifyKeys];
  }

  setServiceAccountValidator(validator: ServiceAccountTokenValidator | undefined): void {
    this.validator = validator;
  }

  get issuer(): string {
    return this.options.issuer ?? DEFAULT_ISSUER;
  }

  issueServiceAccountToken(opts: ServiceAccountTokenOptions): IssuedToken {
    if (!this.signingKey) throw new Error('no service-account signing key is configured');
    const claims = serviceAccountClaims({ ...opts, issuer: opts.issuer ?? this.issuer });
    return { token: signJwt(this.signingKey, claims), expiration: rfc3339(claims.exp) };
  }

  /** The user behind a bearer token, or undefined (→ 401). */
  authenticate(bearer: string | undefined): UserInfo | undefined {
    if (!bearer) return undefined;
    return this.authenticateStatic(bearer) ?? this.authenticateServiceAccount(bearer);
  }

  /** Compares against every static token in constant time, so timing reveals nothing. */
  private authenticateStatic(bearer: string): UserInfo | undefined {
    const d = digest(bearer);
    let found: UserInfo | undefined;
    for (const entry of this.statics) {
      if (timingSafeEqual(entry.digest, d)) found = entry.user;
    }
    return found;
  }

  private authenticateServiceAccount(bearer: string): UserInfo | undefined {
    if (!this.verifyKeys.length || bearer.split('.').length !== 3) return undefined;
    const claims = verifyServiceAccountToken(bearer, this.verifyKeys, {
      issuers: [this.issuer],
      audiences: this.options.apiAudiences ?? [this.issuer],
    });
    if (!claims) return undefined;
    if (this.validator && !this.validator(claims)) return undefined;
    return serviceAccountUser(claims);
  }
}
