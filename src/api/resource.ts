// The contract between a resource's definition and the generic machinery that serves it.
import type { KubeObject } from './types.js';

/** One column of a server-side Table (meta.k8s.io/v1 TableColumnDefinition). */
export interface Column {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string; // "name" for the NAME column, "" otherwise
  description: string;
  priority: number; // 0 = always shown; 1 = only with -o wide
}

export type Cell = string | number | boolean | null;

export interface PrintContext {
  /** Milliseconds since the epoch; AGE columns are computed against it. */
  now: number;
}

/** Server-side printing for one kind: the columns, and the cells of one object's row. */
export interface TablePrinter {
  columns: Column[];
  /** One row per object (upstream prints a few kinds, e.g. none here, with several rows). */
  row(obj: KubeObject, ctx: PrintContext): Cell[];
}

/** The error types of apimachinery's field.ErrorType, with their cause reasons. */
export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

/** apimachinery's field.Error: rendered as "<field>: <Type>: <value>: <detail>". */
export interface FieldError {
  type: FieldErrorType;
  field: string; // "spec.template.spec.containers[0].image"
  badValue?: unknown;
  detail?: string;
  /** For FieldValueNotSupported: the allowed values. */
  supported?: string[];
}

export type Defaulter = (obj: KubeObject) => void;
/** Validates a create (old undefined) or an update. Returns no errors when valid. */
export type Validator = (obj: KubeObject, old?: KubeObject) => FieldError[];

export type Subresource =
  | 'status'
  | 'scale'
  | 'binding'
  | 'eviction'
  | 'log'
  | 'exec'
  | 'attach'
  | 'portforward'
  | 'proxy'
  | 'token'
  | 'ephemeralcontainers'
  | 'approval';

/** Where the scale subresource reads and writes (paths are dotted JSON paths). */
export interface ScaleSpec {
  specReplicasPath: string; // "spec.replicas"
  statusReplicasPath: string; // "status.replicas"
  labelSelectorPath?: string; // "status.selector" (string) or "spec.selector" (LabelSelector)
}

/**
 * Converts between a served version's shape and the storage version's shape for kinds served at
 * more than one version (autoscaling v1/v2 HPAs, core/v1 and events.k8s.io/v1 Events).
 */
export interface VersionConverter {
  toStorage(obj: KubeObject): KubeObject;
  fromStorage(obj: KubeObject): KubeObject;
}

export interface ResourceDef {
  group: string; // "" for core
  version: string; // the served version this definition describes
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Verbs on the main resource; all of them when absent. */
  verbs?: string[];
  subresources?: Subresource[];
  scale?: ScaleSpec;
  /** The version objects are stored at; equal to version unless a converter is set. */
  storageVersion: string;
  converter?: VersionConverter;
  /** Extra fields usable in field selectors (metadata.name and metadata.namespace always are). */
  selectableFields?(obj: KubeObject): Record<string, string>;
  /** Virtual kinds (reviews) are never stored: a POST is answered by `review`. */
  virtual?: boolean;
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
