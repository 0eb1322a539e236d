// The cluster's PKI: a CA made on first start and a serving certificate signed by it.
// @peculiar/x509 builds the certificates on Node's WebCrypto; ECDSA P-256 keeps start-up fast
// (an RSA-2048 key alone costs ~100 ms) and Go's crypto/tls accepts it.
import { webcrypto, X509Certificate as NodeX509 } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';

type X509 = typeof import('@peculiar/x509');
let x509Module: Promise<X509> | undefined;

/** @peculiar/x509 costs ~20 MB of memory once loaded: only a start that makes certificates loads it. */
function loadX509(): Promise<X509> {
  x509Module ??= import('@peculiar/x509').then((m) => {
    m.cryptoProvider.set(webcrypto as unknown as Crypto);
    return m;
  });
  return x509Module;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

export interface KeyPairPem {
  cert: string;
  key: string;
}

export interface ClusterPki {
  ca: KeyPairPem;
  server: KeyPairPem;
  /** The API server's client certificate towards the kubelets (--kubelet-client-certificate). */
  kubeletClient: KeyPairPem;
}

/** The kubelet client certificate's subject, as kubeadm issues it. */
export const KUBELET_CLIENT_CN = 'kube-apiserver-kubelet-client';
export const KUBELET_CLIENT_GROUP = 'system:masters';

async function exportKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key as webcrypto.CryptoKey);
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

async function importKeyPem(pem: string): Promise<CryptoKey> {
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return (await webcrypto.subtle.importKey('pkcs8', Buffer.from(b64, 'base64'), ALG, true, ['sign'])) as unknown as CryptoKey;
}

function serialNumber(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1');
}

export async function createCa(commonName: string): Promise<KeyPairPem> {
  const x509 = await loadX509();
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=${commonName}`,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + TEN_YEARS_MS),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: await exportKeyPem(keys.privateKey) };
}

export interface LeafOptions {
  commonName: string;
  organizations?: string[];
  dnsNames?: string[];
  ips?: string[];
  usage: 'server' | 'client';
}

export async function signLeaf(ca: KeyPairPem, options: LeafOptions): Promise<KeyPairPem> {
  const x509 = await loadX509();
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await importKeyPem(ca.key);
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
  const subject = [`CN=${options.commonName}`, ...(options.organizations ?? []).map((o) => `O=${o}`)].join(', ');
  const names: import('@peculiar/x509').JsonGeneralName[] = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const now = Date.now();
  const extensions: import('@peculiar/x509').Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([options.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
    await x509.AuthorityKeyIdentifierExtension.create(caCert),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject,
    issuer: caCert.subject,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + TEN_YEARS_MS),
    signingKey: caKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ALG,
    extensions,
  });
  return { cert: cert.toString('pem') + '\n', key: await exportKeyPem(keys.privateKey) };
}

/** The serving certificate's names: loopback, the in-cluster Service names, and extras. */
export function serverNames(extra: string[]): { dnsNames: string[]; ips: string[] } {
  const dnsNames = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];
  const ips = ['127.0.0.1', '10.96.0.1'];
  for (const name of extra) {
    if (isIP(name)) {
      if (!ips.includes(name)) ips.push(name);
    } else if (!dnsNames.includes(name)) dnsNames.push(name);
  }
  return { dnsNames, ips };
}

function certCoversNames(certPem: string, names: { dnsNames: string[]; ips: string[] }): boolean {
  const san = new NodeX509(certPem).subjectAltName ?? '';
  return names.dnsNames.every((d) => san.includes(`DNS:${d}`)) && names.ips.every((ip) => san.includes(`IP Address:${ip}`));
}

function readPair(dir: string, base: string): KeyPairPem | undefined {
  const certPath = join(dir, `${base}.crt`);
  const keyPath = join(dir, `${base}.key`);
  if (!existsSync(certPath) || !existsSync(keyPath)) return undefined;
  return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
}

function writePair(dir: string, base: string, pair: KeyPairPem): void {
  writeFileSync(join(dir, `${base}.crt`), pair.cert, { mode: 0o644 });
  writeFileSync(join(dir, `${base}.key`), pair.key, { mode: 0o600 });
}

/**
 * Loads the PKI from `dir`, creating the CA on first start and (re)issuing the serving
 * certificate whenever it does not cover every requested name; the kubelet client certificate
 * is made once.
 */
export async function ensurePki(dir: string, extraNames: string[]): Promise<ClusterPki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let ca = readPair(dir, 'ca');
  if (!ca) {
    ca = await createCa('skiffCA');
    writePair(dir, 'ca', ca);
  }
  const names = serverNames(extraNames);
  let server = readPair(dir, 'apiserver');
  if (!server || !certCoversNames(server.cert, names)) {
    server = await signLeaf(ca, { commonName: 'kube-apiserver', usage: 'server', ...names });
    writePair(dir, 'apiserver', server);
  }
  let kubeletClient = readPair(dir, 'apiserver-kubelet-client');
  if (!kubeletClient) {
    kubeletClient = await signLeaf(ca, { commonName: KUBELET_CLIENT_CN, organizations: [KUBELET_CLIENT_GROUP], usage: 'client' });
    writePair(dir, 'apiserver-kubelet-client', kubeletClient);
  }
  return { ca, server, kubeletClient };
}
