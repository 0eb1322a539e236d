// Kubeconfig files: the admin kubeconfig the control plane writes, in the shape kubectl reads.
import { renameSync, writeFileSync } from 'node:fs';
import yaml from 'js-yaml';

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
