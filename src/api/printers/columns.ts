// Building blocks for column definitions, mirroring upstream's TableColumnDefinition literals.
import type { Column } from '../resource.js';
import { DOCS } from './descriptions.js';

type ColumnType = Column['type'];

/** A priority-0 column (always shown). */
export function col(name: string, type: ColumnType, description: string): Column {
  return { name, type, format: '', description, priority: 0 };
}

/** A priority-1 column (only shown with -o wide). */
export function wide(name: string, type: ColumnType, description: string): Column {
  return { name, type, format: '', description, priority: 1 };
}

/** The Name column every upstream printer starts with. */
export const NAME: Column = { name: 'Name', type: 'string', format: 'name', description: DOCS.name, priority: 0 };

/** The Age column (a humanized duration, typed string upstream). */
export const AGE: Column = col('Age', 'string', DOCS.creationTimestamp);

export const CONTAINERS_DOC = 'Names of each container in the template.';
export const IMAGES_DOC = 'Images referenced by each container in the template.';

/** The wide Containers, Images (and usually Selector) columns of the workload printers. */
export function templateColumns(selectorDoc?: string): Column[] {
  const cols = [wide('Containers', 'string', CONTAINERS_DOC), wide('Images', 'string', IMAGES_DOC)];
  if (selectorDoc !== undefined) cols.push(wide('Selector', 'string', selectorDoc));
  return cols;
}
