// Strategic merge patch: upstream's patch_test.go behaviours (ported as cases, not code) on a
// test struct like upstream's MergeItem, then the exact patches kubectl sends for built-in kinds.
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { patchMetaFor, type PatchMeta } from '../../api/patchmeta.js';
import { StatusError } from '../errors.js';
import { strategicMergePatch } from './strategic.js';

// The metadata of upstream's test struct MergeItem (and RetainKeysMergeItem).
const mergeItem: PatchMeta = { fields: {} };
const retainKeysItem: PatchMeta = {
  fields: {
    mergingIntList: { strategy: 'merge' },
    mergingList: { strategy: 'merge', mergeKey: 'name', items: mergeItem },
  },
};
Object.assign(mergeItem.fields!, {
  mergingList: { strategy: 'merge', mergeKey: 'name', items: mergeItem },
  mergingIntList: { strategy: 'merge' },
  mergeItemPtr: { strategy: 'merge', mergeKey: 'name', items: mergeItem },
  replacingItem: { strategy: 'replace' },
  retainKeysMap: { strategy: 'retainKeys', fields: retainKeysItem.fields },
  retainKeysMergingList: { strategy: 'merge,retainKeys', mergeKey: 'name', items: mergeItem },
});

const y = (text: string): unknown => yaml.load(text);

/** Freezes a value deeply, so that any write to an input throws (ESM code is strict). */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Applies with frozen inputs and checks that no directive survives. */
function smp(original: unknown, patch: unknown, ...rest: [PatchMeta | undefined] | []): unknown {
  const meta = rest.length ? rest[0] : mergeItem;
  const result = strategicMergePatch(deepFreeze(structuredClone(original)), deepFreeze(structuredClone(patch)), meta);
  expect(directivesIn(result)).toEqual([]);
  return result;
}

function directivesIn(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => directivesIn(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [...(k.startsWith('$') ? [`${path}.${k}`] : []), ...directivesIn(v, `${path}.${k}`)]);
}

function errorOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StatusError);
    return err as StatusError;
  }
  throw new Error('expected an error');
}

interface Case {
  name: string;
  current: string;
  patch: string;
  result: string;
}

// From upstream's customStrategicMergePatchTestCaseData and strategicMergePatchRawTestCases
// (the patch applied to "current", or to "original" for two-way-only cases).
const upstreamCases: Case[] = [
  { name: 'unique scalars when merging lists', current: 'mergingIntList: [1, 2]', patch: 'mergingIntList: [2, 3]', result: 'mergingIntList: [1, 2, 3]' },
  { name: 'delete map from nested map', current: 'simpleMap: {key1: 1, key2: 1}', patch: 'simpleMap: {$patch: delete}', result: 'simpleMap: {}' },
  { name: 'delete all items from merging list', current: 'mergingList: [{name: 1}, {name: 2}]', patch: 'mergingList: [{$patch: replace}]', result: 'mergingList: []' },
  { name: 'merge empty merging lists', current: 'mergingList: []', patch: 'mergingList: []', result: 'mergingList: []' },
  { name: 'delete all keys from map', current: '{name: 1, value: 1}', patch: '{$patch: replace}', result: '{}' },
  { name: 'add key and delete all keys from map', current: '{name: 1, value: 1}', patch: '{other: a, $patch: replace}', result: '{other: a}' },
  {
    name: 'delete all duplicate entries in a merging list',
    current: 'mergingList: [{name: 1}, {name: 1}, {name: 2, value: a}, {name: 3}, {name: 3}]',
    patch: 'mergingList: [{name: 1, $patch: delete}, {name: 3, $patch: delete}]',
    result: 'mergingList: [{name: 2, value: a}]',
  },
  { name: 'retainKeys map can add a field when no retainKeys directive present', current: 'retainKeysMap: {name: foo}', patch: 'retainKeysMap: {value: bar}', result: 'retainKeysMap: {name: foo, value: bar}' },
  { name: 'retainKeys map can delete a field when no retainKeys directive present', current: 'retainKeysMap: {name: foo, value: a}', patch: 'retainKeysMap: {value: null}', result: 'retainKeysMap: {name: foo}' },
  { name: 'retainKeys map merge an empty map', current: 'retainKeysMap: {name: foo, value: a}', patch: 'retainKeysMap: {}', result: 'retainKeysMap: {name: foo, value: a}' },
  {
    name: 'retainKeys list can change a field when no retainKeys directive present',
    current: 'retainKeysMergingList: [{name: bar}, {name: foo, value: a}]',
    patch: 'retainKeysMergingList: [{name: foo, value: b}]',
    result: 'retainKeysMergingList: [{name: bar}, {name: foo, value: b}]',
  },
  {
    name: 'preserve the order from the patch in a merging list',
    current: 'mergingList: [{name: 1}, {name: 2, value: b}, {name: 3}]',
    patch: 'mergingList: [{name: 3, value: c}, {name: 1, value: a}, {name: 2, other: x}]',
    result: 'mergingList: [{name: 3, value: c}, {name: 1, value: a}, {name: 2, value: b, other: x}]',
  },
  {
    name: 'preserve the order from the patch in a merging list 2',
    current: 'mergingList: [{name: 1}, {name: 2, value: b}, {name: 3}]',
    patch: 'mergingList: [{name: 3, value: c}, {name: 1, value: a}]',
    result: 'mergingList: [{name: 2, value: b}, {name: 3, value: c}, {name: 1, value: a}]',
  },
  { name: 'preserve the order from the patch in a merging int list', current: 'mergingIntList: [1, 2, 3]', patch: 'mergingIntList: [3, 1, 2]', result: 'mergingIntList: [3, 1, 2]' },
  { name: 'preserve the order from the patch in a merging int list 2', current: 'mergingIntList: [1, 2, 3]', patch: 'mergingIntList: [3, 1]', result: 'mergingIntList: [2, 3, 1]' },
  {
    name: '$setElementOrder contains item that is not present in the list to be merged',
    current: 'mergingList: [{name: 1}, {name: 3}]',
    patch: '{$setElementOrder/mergingList: [{name: 3}, {name: 2}, {name: 1}], mergingList: [{name: 3, value: 3}, {name: 1, value: 1}]}',
    result: 'mergingList: [{name: 3, value: 3}, {name: 1, value: 1}]',
  },
  { name: '$setElementOrder contains item that is not present in the int list', current: 'mergingIntList: [1, 3]', patch: '$setElementOrder/mergingIntList: [3, 2, 1]', result: 'mergingIntList: [3, 1]' },
  { name: '$deleteFromPrimitiveList of a nonexistent item', current: 'mergingIntList: [1, 2]', patch: '$deleteFromPrimitiveList/mergingIntList: [3]', result: 'mergingIntList: [1, 2]' },
  { name: '$deleteFromPrimitiveList on an empty list', current: 'mergingIntList: null', patch: '$deleteFromPrimitiveList/mergingIntList: [3]', result: 'mergingIntList: null' },
  { name: '$deleteFromPrimitiveList on a nonexistent list does not add it', current: 'foo: [bar]', patch: '$deleteFromPrimitiveList/mergingIntList: [3]', result: 'foo: [bar]' },
  { name: '$deleteFromPrimitiveList on a merging list', current: 'mergingIntList: [1, 2, 3]', patch: '$deleteFromPrimitiveList/mergingIntList: [2]', result: 'mergingIntList: [1, 3]' },
  { name: '$deleteFromPrimitiveList on a non-merging list', current: 'nonMergingIntList: [1, 2, 3]', patch: '$deleteFromPrimitiveList/nonMergingIntList: [2]', result: 'nonMergingIntList: [1, 3]' },
  { name: 'nil original', current: '{name: 1, other: a}', patch: '{value: 1}', result: '{name: 1, value: 1, other: a}' },
  { name: 'add field and delete field from map', current: '{name: 1, other: a}', patch: '{name: null, value: 1}', result: '{value: 1, other: a}' },
  { name: 'delete field from nested map', current: 'simpleMap: {key1: 1, key2: 1, other: a}', patch: 'simpleMap: {key2: null}', result: 'simpleMap: {key1: 1, other: a}' },
  { name: 'replace list of scalars', current: 'nonMergingIntList: [1, 4]', patch: 'nonMergingIntList: [2, 3]', result: 'nonMergingIntList: [2, 3]' },
  { name: 'delete all maps from a merging list', current: 'mergingList: [{name: 1, other: a}, {name: 2, other: b}]', patch: 'mergingList: [{name: 1, $patch: delete}, {name: 2, $patch: delete}]', result: 'mergingList: []' },
  { name: 'defined null values are not stored', current: '{name: a, other: a}', patch: '{name: 1, value: 1, other: null}', result: '{name: 1, value: 1}' },
  {
    name: 'nested patch merge with empty list',
    current: 'name: hi',
    patch: 'mergingList: [{name: hello}, {$patch: delete, name: doesntexist}]',
    result: '{name: hi, mergingList: [{name: hello}]}',
  },
  {
    name: 'nested patch merge with empty list (three-way, server-only element)',
    current: '{name: hi, mergingList: [{name: hello2}]}',
    patch: '{$setElementOrder/mergingList: [{name: hello}, {name: doesntexist}], mergingList: [{name: hello}, {$patch: delete, name: doesntexist}]}',
    result: '{name: hi, mergingList: [{name: hello}, {name: hello2}]}',
  },
  {
    name: 'delete items in lists of scalars',
    current: 'mergingIntList: [1, 2, 3, 4]',
    patch: '{$setElementOrder/mergingIntList: [1, 2], $deleteFromPrimitiveList/mergingIntList: [3]}',
    result: 'mergingIntList: [1, 2, 4]',
  },
  {
    name: 'delete all duplicate items in lists of scalars',
    current: 'mergingIntList: [1, 2, 3, 3, 4]',
    patch: '{$setElementOrder/mergingIntList: [1, 2], $deleteFromPrimitiveList/mergingIntList: [3]}',
    result: 'mergingIntList: [1, 2, 4]',
  },
  {
    name: 'merge lists of maps',
    current: 'mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}]',
    patch: '{$setElementOrder/mergingList: [{name: 4}, {name: 1}, {name: 2}, {name: 3}], mergingList: [{name: 4, value: 4}, {name: 3, value: 3}]}',
    result: 'mergingList: [{name: 4, value: 4}, {name: 1, other: a}, {name: 2, value: 2, other: b}, {name: 3, value: 3}]',
  },
  {
    name: 'add field to map in merging list with conflict',
    current: 'mergingList: [{name: 1, other: a}, {name: 3, value: 2, other: b}]',
    patch: '{$setElementOrder/mergingList: [{name: 1}, {name: 2}], mergingList: [{name: 1, value: 1}, {name: 2, value: 2}]}',
    result: 'mergingList: [{name: 1, value: 1, other: a}, {name: 2, value: 2}, {name: 3, value: 2, other: b}]',
  },
  {
    name: 'delete map from merging list',
    current: 'mergingList: [{name: 1}, {name: 2, other: b}]',
    patch: '{$setElementOrder/mergingList: [{name: 2}], mergingList: [{name: 1, $patch: delete}]}',
    result: 'mergingList: [{name: 2, other: b}]',
  },
  {
    name: 'delete missing map from merging list with conflict',
    current: 'mergingList: [{name: 3, other: a}]',
    patch: '{$setElementOrder/mergingList: [{name: 2}], mergingList: [{name: 2}, {name: 1, $patch: delete}]}',
    result: 'mergingList: [{name: 2}, {name: 3, other: a}]',
  },
  {
    name: 'add map and delete map from merging list',
    current: 'mergingList: [{name: 1}, {name: 2, other: b}, {name: 4, other: c}]',
    patch: '{$setElementOrder/mergingList: [{name: 2}, {name: 3}], mergingList: [{name: 3}, {name: 1, $patch: delete}]}',
    result: 'mergingList: [{name: 2, other: b}, {name: 4, other: c}, {name: 3}]',
  },
  {
    name: 'add map and delete map from merging list with conflict',
    current: 'mergingList: [{name: 1, other: a}, {name: 4, other: c}]',
    patch: '{$setElementOrder/mergingList: [{name: 2}, {name: 3}], mergingList: [{name: 2}, {name: 3}, {name: 1, $patch: delete}]}',
    result: 'mergingList: [{name: 4, other: c}, {name: 2}, {name: 3}]',
  },
  {
    name: 'replace non merging list nested in merging list',
    current: 'mergingList: [{name: 1, other: a, nonMergingList: [{name: 1}, {name: 2, value: 2}]}, {name: 2, other: b}]',
    patch: '{$setElementOrder/mergingList: [{name: 1}, {name: 2}], mergingList: [{name: 1, nonMergingList: [{name: 1, value: 1}]}]}',
    result: 'mergingList: [{name: 1, other: a, nonMergingList: [{name: 1, value: 1}]}, {name: 2, other: b}]',
  },
  {
    name: 'add multiple items in a list and preserve order',
    current: 'mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}]',
    patch: '{$setElementOrder/mergingList: [{name: 1}, {name: 4}, {name: 2}, {name: 3}], mergingList: [{name: 4, value: 4}, {name: 3, value: 3}]}',
    result: 'mergingList: [{name: 1, other: a}, {name: 4, value: 4}, {name: 2, value: 2, other: b}, {name: 3, value: 3}]',
  },
  {
    name: 'delete an item in a list and preserve order',
    current: 'mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}, {name: 3, value: 3}]',
    patch: '{$setElementOrder/mergingList: [{name: 2}, {name: 1}], mergingList: [{name: 3, $patch: delete}]}',
    result: 'mergingList: [{name: 2, value: 2, other: b}, {name: 1, other: a}]',
  },
  {
    name: 'add and delete an item in a list and preserve order',
    current: 'mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}, {name: 3, value: 3}]',
    patch: '{$setElementOrder/mergingList: [{name: 4}, {name: 2}, {name: 1}], mergingList: [{name: 4, value: 4}, {name: 3, $patch: delete}]}',
    result: 'mergingList: [{name: 4, value: 4}, {name: 2, value: 2, other: b}, {name: 1, other: a}]',
  },
  {
    name: 'set elements order in a list with server-only items',
    current: 'mergingList: [{name: 1, other: a}, {name: 3, value: 3}, {name: 4, value: 4}, {name: 2, value: 2}, {name: 9}]',
    patch: '$setElementOrder/mergingList: [{name: 4}, {name: 2}, {name: 3}, {name: 1}]',
    result: 'mergingList: [{name: 4, value: 4}, {name: 2, value: 2}, {name: 3, value: 3}, {name: 1, other: a}, {name: 9}]',
  },
  {
    name: 'set elements order in a list with server-only items 2',
    current: 'mergingList: [{name: 1, other: a}, {name: 2, value: 2}, {name: 9}, {name: 3, value: 3}, {name: 4, value: 4}]',
    patch: '$setElementOrder/mergingList: [{name: 2}, {name: 1}, {name: 4}, {name: 3}]',
    result: 'mergingList: [{name: 2, value: 2}, {name: 1, other: a}, {name: 9}, {name: 4, value: 4}, {name: 3, value: 3}]',
  },
  {
    name: 'set elements order in a list with server-only items 3',
    current: 'mergingList: [{name: 1}, {name: 2}, {name: 7}, {name: 9}, {name: 8}, {name: 3}, {name: 4}]',
    patch: '$setElementOrder/mergingList: [{name: 2}, {name: 1}, {name: 4}, {name: 3}]',
    result: 'mergingList: [{name: 2}, {name: 1}, {name: 7}, {name: 9}, {name: 8}, {name: 4}, {name: 3}]',
  },
  { name: 'add an item in a int list and preserve order', current: 'mergingIntList: [1, 2]', patch: '{$setElementOrder/mergingIntList: [3, 1, 2], mergingIntList: [3]}', result: 'mergingIntList: [3, 1, 2]' },
  { name: 'add multiple items in a int list and preserve order', current: 'mergingIntList: [1, 2]', patch: '{$setElementOrder/mergingIntList: [1, 4, 2, 3], mergingIntList: [4, 3]}', result: 'mergingIntList: [1, 4, 2, 3]' },
  {
    name: 'add and delete an item in a int list and preserve order',
    current: 'mergingIntList: [1, 2, 3]',
    patch: '{$setElementOrder/mergingIntList: [4, 2, 1], mergingIntList: [4], $deleteFromPrimitiveList/mergingIntList: [3]}',
    result: 'mergingIntList: [4, 2, 1]',
  },
  { name: 'set elements order in a int list with server-only items 3', current: 'mergingIntList: [1, 2, 7, 9, 8, 3, 4]', patch: '$setElementOrder/mergingIntList: [2, 1, 4, 3]', result: 'mergingIntList: [2, 1, 7, 9, 8, 4, 3]' },
  {
    name: 'set element order for a merging list with duplicates',
    current: 'mergingList: [{name: 1}, {name: 2, value: dup1}, {name: 3}, {name: 2, value: dup2}, {name: 4}]',
    patch: '$setElementOrder/mergingList: [{name: 2}, {name: 1}, {name: 4}, {name: 3}, {name: 2}]',
    result: 'mergingList: [{name: 2, value: dup1}, {name: 2, value: dup2}, {name: 1}, {name: 4}, {name: 3}]',
  },
  { name: 'set element order for a merging int list with duplicates', current: 'mergingIntList: [1, 2, 3, 2, 4]', patch: '$setElementOrder/mergingIntList: [2, 1, 4, 3, 2]', result: 'mergingIntList: [2, 2, 1, 4, 3]' },
  { name: 'retainKeys map should clear defaulted field', current: 'retainKeysMap: {value: foo}', patch: 'retainKeysMap: {$retainKeys: [other], other: bar}', result: 'retainKeysMap: {other: bar}' },
  {
    name: 'retainKeys map should clear defaulted field (discriminated union)',
    current: 'retainKeysMap: {name: type1, value: foo}',
    patch: 'retainKeysMap: {$retainKeys: [name, other], name: type2, other: bar}',
    result: 'retainKeysMap: {name: type2, other: bar}',
  },
  { name: 'retainKeys map adds a field and clears a field', current: 'retainKeysMap: {name: foo, other: a}', patch: 'retainKeysMap: {$retainKeys: [name, value], value: bar}', result: 'retainKeysMap: {name: foo, value: bar}' },
  { name: 'retainKeys map deletes a field and clears a field', current: 'retainKeysMap: {name: foo, value: bar, other: a}', patch: 'retainKeysMap: {$retainKeys: [name], value: null}', result: 'retainKeysMap: {name: foo}' },
  {
    name: 'retainKeys map changes a field in a nested map',
    current: 'retainKeysMap: {name: foo, value: bar, simpleMap: {key1: a, key2: b, key3: c}}',
    patch: 'retainKeysMap: {$retainKeys: [name, simpleMap, value], simpleMap: {key1: x}}',
    result: 'retainKeysMap: {name: foo, value: bar, simpleMap: {key1: x, key2: b, key3: c}}',
  },
  {
    name: 'retainKeys map deletes nested non-merging list',
    current: 'retainKeysMap: {name: foo, nonMergingList: [{name: a}, {name: b}, {name: c}]}',
    patch: 'retainKeysMap: {$retainKeys: [name, value], value: bar, nonMergingList: null}',
    result: 'retainKeysMap: {name: foo, value: bar}',
  },
  {
    name: 'retainKeys map adds an item in nested merging int list',
    current: 'retainKeysMap: {name: foo, mergingIntList: [1, 2, 3]}',
    patch: 'retainKeysMap: {$setElementOrder/mergingIntList: [1, 2, 4], $retainKeys: [mergingIntList, name], mergingIntList: [4]}',
    result: 'retainKeysMap: {name: foo, mergingIntList: [1, 2, 4, 3]}',
  },
  {
    name: 'retainKeys map deletes an item in nested merging int list',
    current: 'retainKeysMap: {name: foo, mergingIntList: [1, 2, 3, 4]}',
    patch: 'retainKeysMap: {$retainKeys: [mergingIntList, name], $deleteFromPrimitiveList/mergingIntList: [2], $setElementOrder/mergingIntList: [1, 3]}',
    result: 'retainKeysMap: {name: foo, mergingIntList: [1, 3, 4]}',
  },
  {
    name: 'retainKeys list of maps changes a field and clears a field',
    current: 'retainKeysMergingList: [{name: bar}, {name: foo, value: modified, other: x}]',
    patch: '{$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}], retainKeysMergingList: [{$retainKeys: [name, value], name: foo, value: new}]}',
    result: 'retainKeysMergingList: [{name: bar}, {name: foo, value: new}]',
  },
  {
    name: 'retainKeys list of maps deletes a field and clears a field',
    current: 'retainKeysMergingList: [{name: bar}, {name: foo, value: a, other: x}]',
    patch: '{$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}], retainKeysMergingList: [{$retainKeys: [name], name: foo, value: null}]}',
    result: 'retainKeysMergingList: [{name: bar}, {name: foo}]',
  },
  {
    name: 'delete and reorder in one list, reorder in another',
    current: 'mergingList: [{name: a, value: a}, {name: b, value: b}]\nmergeItemPtr: [{name: c, value: c}, {name: d, value: d}]',
    patch: '{$setElementOrder/mergingList: [{name: b}], $setElementOrder/mergeItemPtr: [{name: d}, {name: c}], mergingList: [{$patch: delete, name: a}]}',
    result: 'mergingList: [{name: b, value: b}]\nmergeItemPtr: [{name: d, value: d}, {name: c, value: c}]',
  },
];

describe('strategicMergePatch: upstream patch_test.go behaviours', () => {
  for (const c of upstreamCases) {
    it(c.name, () => {
      expect(smp(y(c.current), y(c.patch))).toEqual(y(c.result));
    });
  }
});

describe('strategicMergePatch: maps and lists', () => {
  it('merges maps recursively and deletes with null', () => {
    expect(smp({ a: { b: 1, c: 2 }, d: 1 }, { a: { c: null, e: 3 }, d: null })).toEqual({ a: { b: 1, e: 3 } });
  });

  it('ignores a null for a field the original lacks', () => {
    expect(smp({ a: 1 }, { b: null })).toEqual({ a: 1 });
  });

  it('drops nulls inside a map the original lacks', () => {
    expect(smp({}, { simpleMap: { a: 1, b: null } })).toEqual({ simpleMap: { a: 1 } });
  });

  it('replaces lists without a merge strategy, and without any metadata', () => {
    expect(smp({ nonMergingList: [{ name: 1 }, { name: 2 }] }, { nonMergingList: [{ name: 3 }] })).toEqual({ nonMergingList: [{ name: 3 }] });
    expect(smp({ mergingList: [{ name: 1 }] }, { mergingList: [{ name: 2 }] }, undefined)).toEqual({ mergingList: [{ name: 2 }] });
  });

  it('replaces a map tagged patchStrategy replace', () => {
    expect(smp({ replacingItem: { a: 1, b: 2 } }, { replacingItem: { c: 3 } })).toEqual({ replacingItem: { c: 3 } });
  });

  it('replaces a value of another type', () => {
    expect(smp({ a: [1, 2] }, { a: { b: 1 } })).toEqual({ a: { b: 1 } });
    expect(smp({ a: { b: 1 } }, { a: 'x' })).toEqual({ a: 'x' });
  });

  it('puts a new element without $setElementOrder first, as upstream does for old-style patches', () => {
    expect(smp({ mergingList: [{ name: 'a' }, { name: 'b' }] }, { mergingList: [{ name: 'c' }] })).toEqual({
      mergingList: [{ name: 'c' }, { name: 'a' }, { name: 'b' }],
    });
  });

  it('merges the patch list into a list the original lacks, applying its directives', () => {
    expect(smp({}, { mergingList: [{ name: 'a', mergingList: [{ name: 'x' }, { name: 'y', $patch: 'delete' }] }, { $patch: 'replace' }] })).toEqual({
      mergingList: [{ name: 'a', mergingList: [{ name: 'x' }] }],
    });
  });

  it('replaces a merging list with $patch: replace', () => {
    expect(smp({ mergingList: [{ name: 1, value: 1 }, { name: 2 }] }, { mergingList: [{ name: 3 }, { $patch: 'replace' }] })).toEqual({
      mergingList: [{ name: 3 }],
    });
  });

  it('applies $patch: replace and delete to nested maps, and drops a new map marked delete', () => {
    expect(smp({ simpleMap: { a: 1 }, other: 'x' }, { simpleMap: { $patch: 'replace', b: 2 } })).toEqual({ simpleMap: { b: 2 }, other: 'x' });
    expect(smp({ other: 'x' }, { simpleMap: { $patch: 'delete' } })).toEqual({ other: 'x' });
    expect(smp({ other: 'x' }, { simpleMap: { $patch: 'replace', b: 2 } })).toEqual({ other: 'x', simpleMap: { b: 2 } });
  });

  it('accepts $patch: merge on a map as the default behaviour', () => {
    expect(smp({ simpleMap: { a: 1 } }, { simpleMap: { $patch: 'merge', b: 2 } })).toEqual({ simpleMap: { a: 1, b: 2 } });
  });

  it('treats a null patch as no change and returns a copy', () => {
    const original = { a: { b: 1 } };
    const result = strategicMergePatch(original, null, mergeItem) as typeof original;
    expect(result).toEqual(original);
    expect(result.a).not.toBe(original.a);
  });

  it('never shares structure with its inputs', () => {
    const original = { simpleMap: { a: 1 }, mergingList: [{ name: 1, simpleMap: { x: 1 } }] };
    const patch = { mergingList: [{ name: 2, simpleMap: { y: 1 } }] };
    const result = strategicMergePatch(original, patch, mergeItem) as typeof original;
    expect(result.simpleMap).not.toBe(original.simpleMap);
    const added = result.mergingList.find((e) => e.name === 2)!;
    expect(added.simpleMap).not.toBe(patch.mergingList[0].simpleMap);
  });
});

describe('strategicMergePatch: bad patches', () => {
  const cases: Array<[string, unknown, unknown, string]> = [
    ['a missing merge key', { mergingList: [{ name: 1, value: 'a' }] }, { mergingList: [{ value: 'b' }] }, 'map: map[value:b] does not contain declared merge key: name'],
    [
      'a patch list out of $setElementOrder',
      { mergingList: [{ name: 1 }, { name: 3 }, { name: 2 }] },
      { '$setElementOrder/mergingList': [{ name: 1 }, { name: 2 }, { name: 3 }], mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }] },
      "doesn't match $setElementOrder list",
    ],
    ['an int list out of $setElementOrder', { mergingIntList: [1, 3, 2] }, { '$setElementOrder/mergingIntList': [1, 2, 3], mergingIntList: [3, 1] }, "doesn't match"],
    ['a field not in $retainKeys', { retainKeysMap: { name: 'a' } }, { retainKeysMap: { $retainKeys: ['name'], value: 'b' } }, 'invalid patch format of retainKeys'],
    ['$retainKeys not a list', { retainKeysMap: {} }, { retainKeysMap: { $retainKeys: 'name' } }, 'invalid patch format of retainKeys'],
    ['$deleteFromPrimitiveList not a list', { mergingIntList: [1] }, { '$deleteFromPrimitiveList/mergingIntList': 1 }, 'invalid patch format of primitive list'],
    ['$setElementOrder not a list', { mergingIntList: [1] }, { '$setElementOrder/mergingIntList': 1 }, 'invalid patch format of setElementOrder list'],
    ['$setElementOrder without a field', {}, { $setElementOrder: [1] }, 'invalid patch format of setElementOrder list'],
    ['an unknown $patch on a map', { simpleMap: {} }, { simpleMap: { $patch: 'explode' } }, 'unknown patch type: explode in map: map[$patch:explode]'],
    ['an unknown $patch in a list', { mergingList: [] }, { mergingList: [{ name: 1, $patch: 'explode' }] }, 'unknown patch type: explode'],
    ['$patch: merge in a list', { mergingList: [{ name: 1 }] }, { mergingList: [{ name: 1, $patch: 'merge' }] }, 'merging lists cannot yet be specified in the patch'],
    ['$patch: delete without a merge key', { mergingList: [{ name: 1 }] }, { mergingList: [{ $patch: 'delete' }] }, 'delete patch type with no merge key defined'],
    ['lists of lists', { mergingIntList: [1] }, { mergingIntList: [[2]] }, 'lists of lists are not supported'],
    ['mixed element types', { mergingIntList: [1] }, { mergingIntList: ['a'] }, 'list element types are not identical'],
    ['a patch that is not an object', {}, [1], 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
  ];
  for (const [name, original, patch, message] of cases) {
    it(`refuses ${name} with 400`, () => {
      const err = errorOf(() => strategicMergePatch(original, patch, mergeItem));
      expect(err.code).toBe(400);
      expect(err.reason).toBe('BadRequest');
      expect(err.message).toContain(message);
    });
  }
});

// ---- built-in kinds, with the patches kubectl sends ---------------------------------------------

const deploymentMeta = patchMetaFor('apps', 'Deployment');
const podMeta = patchMetaFor('', 'Pod');
const nodeMeta = patchMetaFor('', 'Node');

function deployment(): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, finalizers: ['a.example.com'], resourceVersion: '7' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              env: [{ name: 'A', value: 'a' }, { name: 'B', value: 'b' }],
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
            { name: 'sidecar', image: 'busybox', args: ['sleep', '3600'] },
          ],
          volumes: [{ name: 'data', configMap: { name: 'cfg' } }],
        },
      },
    },
    status: { conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'True' }] },
  };
}

const containersOf = (obj: unknown) => (obj as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } }).spec.template.spec.containers;

describe('strategicMergePatch: kubectl patches on built-in kinds', () => {
  it('kubectl set image deployment/web web=nginx:2', () => {
    const patch = JSON.parse('{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"sidecar"}],"containers":[{"image":"nginx:2","name":"web"}]}}}}');
    const result = smp(deployment(), patch, deploymentMeta);
    const expected = deployment();
    containersOf(expected)[0].image = 'nginx:2';
    expect(result).toEqual(expected);
  });

  it('kubectl set image on a single-container deployment', () => {
    const original = deployment();
    containersOf(original).splice(1, 1);
    const patch = JSON.parse('{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"}],"containers":[{"image":"nginx:2","name":"web"}]}}}}');
    expect(containersOf(smp(original, patch, deploymentMeta)).map((c) => [c.name, c.image])).toEqual([['web', 'nginx:2']]);
  });

  it('kubectl apply of a changed deployment (three-way patch with last-applied)', () => {
    const lastApplied = '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":3}}\n';
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } },
      spec: {
        replicas: 3,
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
            containers: [
              {
                '$setElementOrder/env': [{ name: 'B' }, { name: 'C' }],
                '$setElementOrder/ports': [{ containerPort: 80 }, { containerPort: 443 }],
                env: [{ name: 'B', value: 'b2' }, { name: 'C', value: 'c' }, { $patch: 'delete', name: 'A' }],
                image: 'nginx:2',
                name: 'web',
                ports: [{ containerPort: 443, protocol: 'TCP' }],
              },
            ],
          },
        },
      },
    };
    const result = smp(deployment(), patch, deploymentMeta) as ReturnType<typeof deployment>;
    expect((result.metadata as Record<string, unknown>).annotations).toEqual({ 'kubectl.kubernetes.io/last-applied-configuration': lastApplied });
    expect((result.spec as { replicas: number }).replicas).toBe(3);
    const [web, sidecar] = containersOf(result);
    expect(web).toEqual({
      name: 'web',
      image: 'nginx:2',
      ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }],
      env: [{ name: 'B', value: 'b2' }, { name: 'C', value: 'c' }],
      volumeMounts: [{ name: 'data', mountPath: '/data' }],
    });
    expect(sidecar).toEqual({ name: 'sidecar', image: 'busybox', args: ['sleep', '3600'] });
  });

  it('kubectl apply removing a container and adding one keeps an element only the server has', () => {
    const original = deployment();
    containersOf(original).push({ name: 'injected', image: 'proxy' });
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }, { name: 'logger' }],
            containers: [{ name: 'logger', image: 'fluentbit' }, { $patch: 'delete', name: 'sidecar' }],
          },
        },
      },
    };
    expect(containersOf(smp(original, patch, deploymentMeta)).map((c) => c.name)).toEqual(['web', 'injected', 'logger']);
  });

  it('kubectl apply switching the strategy RollingUpdate → Recreate clears rollingUpdate ($retainKeys)', () => {
    const patch = JSON.parse('{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":null,"type":"Recreate"}}}');
    expect((smp(deployment(), patch, deploymentMeta) as { spec: { strategy: unknown } }).spec.strategy).toEqual({ type: 'Recreate' });
    // $retainKeys alone clears the union's other members, even without an explicit null.
    const bare = JSON.parse('{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}');
    expect((smp(deployment(), bare, deploymentMeta) as { spec: { strategy: unknown } }).spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('kubectl apply switching a volume from configMap to secret ($retainKeys in a merge list)', () => {
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/volumes': [{ name: 'data' }],
            volumes: [{ $retainKeys: ['name', 'secret'], name: 'data', secret: { secretName: 's' } }],
          },
        },
      },
    };
    const result = smp(deployment(), patch, deploymentMeta) as { spec: { template: { spec: { volumes: unknown } } } };
    expect(result.spec.template.spec.volumes).toEqual([{ name: 'data', secret: { secretName: 's' } }]);
  });

  it('kubectl rollout restart', () => {
    const patch = JSON.parse('{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2024-05-01T10:00:00Z"}}}}}');
    const result = smp(deployment(), patch, deploymentMeta) as { spec: { template: { metadata: unknown } } };
    expect(result.spec.template.metadata).toEqual({ labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-05-01T10:00:00Z' } });
  });

  it('kubectl rollout pause and resume', () => {
    const paused = smp(deployment(), { spec: { paused: true } }, deploymentMeta) as { spec: Record<string, unknown> };
    expect(paused.spec.paused).toBe(true);
    expect((smp(paused, { spec: { paused: null } }, deploymentMeta) as { spec: Record<string, unknown> }).spec).not.toHaveProperty('paused');
  });

  it('merges nested container env, ports and volumeMounts by their keys', () => {
    const patch = {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'web',
                env: [{ name: 'A', value: 'a2' }],
                ports: [{ containerPort: 80, name: 'http' }],
                volumeMounts: [{ mountPath: '/data', readOnly: true }],
              },
            ],
          },
        },
      },
    };
    const [web] = containersOf(smp(deployment(), patch, deploymentMeta));
    expect(web.env).toEqual([{ name: 'A', value: 'a2' }, { name: 'B', value: 'b' }]);
    expect(web.ports).toEqual([{ containerPort: 80, protocol: 'TCP', name: 'http' }]);
    expect(web.volumeMounts).toEqual([{ name: 'data', mountPath: '/data', readOnly: true }]);
  });

  it('replaces atomic lists inside containers (args)', () => {
    const patch = { spec: { template: { spec: { containers: [{ name: 'sidecar', args: ['sleep', '10'] }] } } } };
    expect(containersOf(smp(deployment(), patch, deploymentMeta))[1].args).toEqual(['sleep', '10']);
  });

  it('merges finalizers as a set and deletes from them with $deleteFromPrimitiveList', () => {
    const added = smp(deployment(), { metadata: { finalizers: ['b.example.com', 'a.example.com'] } }, deploymentMeta) as { metadata: { finalizers: string[] } };
    expect(added.metadata.finalizers.sort()).toEqual(['a.example.com', 'b.example.com']);
    const removed = smp(added, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example.com'] } }, deploymentMeta) as typeof added;
    expect(removed.metadata.finalizers).toEqual(['b.example.com']);
    // kubectl's two-way patch removing a finalizer sends the order of what remains.
    const twoWay = { metadata: { '$setElementOrder/finalizers': ['b.example.com'], '$deleteFromPrimitiveList/finalizers': ['a.example.com'] } };
    expect((smp(added, twoWay, deploymentMeta) as typeof added).metadata.finalizers).toEqual(['b.example.com']);
  });

  it('merges ownerReferences by uid', () => {
    const owned = { metadata: { name: 'p', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }] } };
    const patch = { metadata: { ownerReferences: [{ uid: 'u1', blockOwnerDeletion: true }, { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', uid: 'u2' }] } };
    const result = smp(owned, patch, podMeta) as typeof owned;
    expect(result.metadata.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true, blockOwnerDeletion: true },
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', uid: 'u2' },
    ]);
  });

  it('merges status conditions by type (a kubelet status patch)', () => {
    const pod = {
      metadata: { name: 'p' },
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False' }], podIPs: [{ ip: '10.0.0.1' }] },
    };
    const patch = {
      status: {
        '$setElementOrder/conditions': [{ type: 'PodScheduled' }, { type: 'Ready' }, { type: 'Initialized' }],
        conditions: [{ type: 'Ready', status: 'True' }, { type: 'Initialized', status: 'True' }],
        phase: 'Running',
      },
    };
    const result = smp(pod, patch, podMeta) as typeof pod;
    expect(result.status.phase).toBe('Running');
    expect(result.status.conditions).toEqual([
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: 'True' },
      { type: 'Initialized', status: 'True' },
    ]);
    expect(result.status.podIPs).toEqual([{ ip: '10.0.0.1' }]);
  });

  it('adds an ephemeral container (kubectl debug)', () => {
    const pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'app', image: 'x' }] } };
    const patch = { spec: { ephemeralContainers: [{ name: 'debugger-abcde', image: 'busybox', stdin: true, tty: true, targetContainerName: 'app' }] } };
    const result = smp(pod, patch, podMeta) as { spec: Record<string, unknown> };
    expect(result.spec.ephemeralContainers).toEqual(patch.spec.ephemeralContainers);
    expect(result.spec.containers).toEqual(pod.spec.containers);
  });

  it('kubectl cordon and uncordon', () => {
    const node = { metadata: { name: 'n1' }, spec: { podCIDR: '10.244.0.0/24' } };
    const cordoned = smp(node, { spec: { unschedulable: true } }, nodeMeta) as { spec: Record<string, unknown> };
    expect(cordoned.spec).toEqual({ podCIDR: '10.244.0.0/24', unschedulable: true });
    expect((smp(cordoned, { spec: { unschedulable: null } }, nodeMeta) as typeof cordoned).spec).toEqual({ podCIDR: '10.244.0.0/24' });
  });

  it('kubectl taint adds and removes taints (an atomic list: replaced)', () => {
    const node = { metadata: { name: 'n1' }, spec: { taints: [{ key: 'old', effect: 'NoExecute' }] } };
    const tainted = smp(node, JSON.parse('{"spec":{"taints":[{"effect":"NoExecute","key":"old"},{"effect":"NoSchedule","key":"dedicated","value":"gpu"}]}}'), nodeMeta) as typeof node;
    expect(tainted.spec.taints).toEqual([{ key: 'old', effect: 'NoExecute' }, { effect: 'NoSchedule', key: 'dedicated', value: 'gpu' }]);
    const untainted = smp(tainted, JSON.parse('{"spec":{"taints":[{"effect":"NoExecute","key":"old"}]}}'), nodeMeta) as typeof node;
    expect(untainted.spec.taints).toEqual([{ effect: 'NoExecute', key: 'old' }]);
    expect((smp(untainted, { spec: { taints: null } }, nodeMeta) as typeof node).spec).toEqual({});
  });

  it('merges node addresses by type', () => {
    const node = { status: { addresses: [{ type: 'InternalIP', address: '172.18.0.2' }, { type: 'Hostname', address: 'n1' }] } };
    const result = smp(node, { status: { addresses: [{ type: 'InternalIP', address: '172.18.0.3' }] } }, nodeMeta) as typeof node;
    expect(result.status.addresses).toEqual([{ type: 'InternalIP', address: '172.18.0.3' }, { type: 'Hostname', address: 'n1' }]);
  });

  it('merges the containers of a CronJob job template', () => {
    const cronJob = {
      metadata: { name: 'cj' },
      spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'job', image: 'a' }, { name: 'other', image: 'b' }] } } } } },
    };
    const patch = { spec: { jobTemplate: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'job' }, { name: 'other' }], containers: [{ name: 'job', image: 'a2' }] } } } } } };
    const result = smp(cronJob, patch, patchMetaFor('batch', 'CronJob')) as typeof cronJob;
    expect(result.spec.jobTemplate.spec.template.spec.containers).toEqual([{ name: 'job', image: 'a2' }, { name: 'other', image: 'b' }]);
  });

  it('merges Service ports by port', () => {
    const svc = { spec: { ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }, { port: 443, targetPort: 8443 }] } };
    const result = smp(svc, { spec: { ports: [{ port: 80, nodePort: 30080 }] } }, patchMetaFor('', 'Service')) as typeof svc;
    expect(result.spec.ports).toEqual([{ port: 80, targetPort: 8080, protocol: 'TCP', nodePort: 30080 }, { port: 443, targetPort: 8443 }]);
  });

  it('replaces lists of an unknown kind (custom resources)', () => {
    const cr = { spec: { items: [{ name: 'a' }, { name: 'b' }], config: { x: 1 } } };
    expect(smp(cr, { spec: { items: [{ name: 'c' }], config: { y: 2 } } }, patchMetaFor('example.com', 'Widget'))).toEqual({
      spec: { items: [{ name: 'c' }], config: { x: 1, y: 2 } },
    });
  });
});
