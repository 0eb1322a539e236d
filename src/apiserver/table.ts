// Server-side printing: meta.k8s.io Tables and PartialObjectMetadata (what `kubectl get` asks for).
import type { TablePrinter } from '../api/resource.js';
import type { KubeObject } from '../api/types.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function partialObjectMetadata(obj: KubeObject, version: string): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

function rowObject(obj: KubeObject, include: IncludeObject, version: string): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return partialObjectMetadata(obj, version);
}

export interface TableOptions {
  version: 'v1' | 'v1beta1';
  include: IncludeObject;
  /** Leave out columnDefinitions (watch events after the first). */
  noHeaders?: boolean;
  resourceVersion?: string;
  continueToken?: string;
}

export function toTable(printer: TablePrinter, objects: KubeObject[], options: TableOptions): Record<string, unknown> {
  const ctx = { now: Date.now() };
  const metadata: Record<string, unknown> = {};
  if (options.resourceVersion) metadata.resourceVersion = options.resourceVersion;
  if (options.continueToken) metadata.continue = options.continueToken;
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${options.version}`,
    metadata,
    columnDefinitions: options.noHeaders ? null : printer.columns,
    rows: objects.map((obj) => {
      const row: Record<string, unknown> = { cells: printer.row(obj, ctx) };
      const object = rowObject(obj, options.include, options.version);
      if (object !== undefined) row.object = object;
      return row;
    }),
  };
}

export function parseIncludeObject(value: string | null): IncludeObject {
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}
