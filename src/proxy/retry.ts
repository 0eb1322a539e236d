// Binding a proxy socket can fail for reasons that pass: the port is still held by a socket
// closing elsewhere (EADDRINUSE), or the ClusterIP is not on the interface yet (EADDRNOTAVAIL).
// The socket is retried with exponential backoff and the failure logged; it never throws.
import { backoffDelay } from '../client/workqueue.js';
import type { Logger } from './types.js';

export const BIND_RETRY_BASE_MS = 250;
export const BIND_RETRY_MAX_MS = 30_000;

export class BindRetry {
  private failures = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly what: string, private readonly log: Logger) {}

  /** Schedules `bind` again after the next backoff delay, logging why. */
  failed(err: Error, bind: () => void): void {
    const delay = backoffDelay(this.failures++, BIND_RETRY_BASE_MS, BIND_RETRY_MAX_MS);
    this.log(`kube-proxy: listen on ${this.what} failed (retry in ${delay} ms): ${err.message}`);
    clearTimeout(this.timer);
    this.timer = setTimeout(bind, delay);
    this.timer.unref();
  }

  succeeded(): void {
    this.failures = 0;
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** "::ffff:10.0.0.1" (an IPv4 client on a dual-stack socket) as the plain IPv4 address. */
export function clientAddress(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
