// Raw HTTPS requests to the control plane, trusting only the CA from its kubeconfig.
import { request as httpsRequest } from 'node:https';
import type { ControlPlane } from './controlplane.js';

export interface RawRequest {
  method?: string;
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Bearer token: the admin token by default, `null` for none, or any string. */
  token?: string | null;
  /** Host name to connect to (the TLS server name), 127.0.0.1 by default. */
  host?: string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body parsed as JSON, or undefined. */
  json: any;
}

export async function raw(cp: ControlPlane, req: RawRequest): Promise<RawResponse> {
  const { ca, token: admin } = await cp.credentials();
  const token = req.token === undefined ? admin : req.token;
  const headers: Record<string, string> = { Accept: 'application/json', ...req.headers };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
  return new Promise((resolve, reject) => {
    const r = httpsRequest({
      host: req.host ?? '127.0.0.1',
      port: cp.port,
      method: req.method ?? 'GET',
      path: req.path,
      headers,
      ca,
      servername: req.host === undefined || /^\d/.test(req.host) ? undefined : req.host,
      timeout: 20_000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try { json = JSON.parse(body); } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`request ${req.path} timed out`)));
    r.on('error', reject);
    r.end(req.body);
  });
}
