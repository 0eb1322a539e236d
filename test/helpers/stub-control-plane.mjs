// A stand-in for `skiff control-plane`, used only by harness.test.ts to prove the test harness
// (start, wait for the kubeconfig, TLS with the embedded CA, bearer token, SIGTERM, restart on the
// same dir and port) independently of the real server. It serves just enough for kubectl to list
// namespaces. Usage: node stub-control-plane.mjs control-plane --data-dir D --listen H:P --kubeconfig-out F
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';

const args = process.argv.slice(3);
const opt = (name) => args[args.indexOf(name) + 1];
const dataDir = opt('--data-dir');
const [host, port] = opt('--listen').split(':');
const kubeconfigOut = opt('--kubeconfig-out');

mkdirSync(dataDir, { recursive: true });
const file = (n) => join(dataDir, n);
if (!existsSync(file('token'))) {
  const ssl = (...a) => execFileSync('openssl', a, { stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.crt'),
    '-days', '1', '-subj', '/CN=stub-ca', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=stub');
  writeFileSync(file('ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  ssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-out', file('server.crt'), '-days', '1', '-extfile', file('ext'));
  writeFileSync(file('token'), randomBytes(16).toString('hex'));
}
const token = readFileSync(file('token'), 'utf8');
const ca = readFileSync(file('ca.crt'));

const json = (res, code, body) => {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};
const routes = {
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `${host}:${port}` }] },
  '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [] },
  '/api/v1': {
    kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1',
    resources: [{ name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list'], shortNames: ['ns'] }],
  },
  '/api/v1/namespaces': {
    kind: 'NamespaceList', apiVersion: 'v1', metadata: { resourceVersion: '1' },
    items: [{ metadata: { name: 'default', uid: '00000000-0000-0000-0000-000000000001', resourceVersion: '1', creationTimestamp: '2024-01-01T00:00:00Z' }, status: { phase: 'Active' } }],
  },
};

const server = createServer({ key: readFileSync(file('server.key')), cert: readFileSync(file('server.crt')) }, (req, res) => {
  const path = new URL(req.url, 'https://x').pathname;
  if (['/healthz', '/livez', '/readyz'].includes(path)) return res.end('ok');
  if (path === '/version') return json(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0-stub' });
  if (req.headers.authorization !== `Bearer ${token}`) {
    return json(res, 401, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  }
  if (routes[path]) return json(res, 200, routes[path]);
  json(res, 404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'not found', reason: 'NotFound', code: 404 });
});

server.listen(Number(port), host, () => {
  const addr = server.address();
  const url = `https://${host}:${addr.port}`;
  const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: skiff
  cluster:
    server: ${url}
    certificate-authority-data: ${ca.toString('base64')}
users:
- name: skiff
  user:
    token: ${token}
contexts:
- name: skiff
  context:
    cluster: skiff
    user: skiff
current-context: skiff
`;
  writeFileSync(`${kubeconfigOut}.tmp`, kubeconfig, { mode: 0o600 });
  renameSync(`${kubeconfigOut}.tmp`, kubeconfigOut);
  process.stderr.write(`skiff control-plane listening on ${url}\n`);
});

process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
