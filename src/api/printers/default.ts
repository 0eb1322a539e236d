// apiserver's default table convertor (k8s.io/apiserver pkg/registry/rest/table.go), used upstream
// for every kind without printers: Roles, ClusterRoles, LimitRanges, CRDs and many more.
import type { TablePrinter } from '../resource.js';
import { DOCS } from './descriptions.js';
import { parseTime } from './duration.js';

/** Go's time.Time.UTC().Format(time.RFC3339): second precision, "Z"; the zero time when unset. */
export function rfc3339(ts: unknown): string {
  const t = parseTime(ts);
  if (t === undefined) return '0001-01-01T00:00:00Z';
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export const defaultPrinter: TablePrinter = {
  columns: [
    { name: 'Name', type: 'string', format: 'name', description: DOCS.name, priority: 0 },
    // A date cell: kubectl turns it into an age ("CREATED AT" shows the timestamp).
    { name: 'Created At', type: 'date', format: '', description: DOCS.creationTimestamp, priority: 0 },
  ],
  row(obj) {
    return [obj.metadata.name ?? '', rfc3339(obj.metadata.creationTimestamp)];
  },
};
