import { describe, expect, it } from 'vitest';
import { evaluateJsonPath, goFormat, JsonPathError, parseJsonPath } from './jsonpath.js';

const obj = {
  metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 'web' }, creationTimestamp: '2024-01-01T00:00:00Z' },
  spec: { replicas: 3, ports: [{ port: 80 }, { port: 443 }] },
  status: {
    conditions: [
      { type: 'Synced', status: 'False' },
      { type: 'Ready', status: 'True' },
    ],
  },
};

describe('jsonpath', () => {
  it('reads dotted paths', () => {
    expect(evaluateJsonPath('.spec.replicas', obj)).toEqual([3]);
    expect(evaluateJsonPath('{.metadata.name}', obj)).toEqual(['a']);
    expect(evaluateJsonPath('$.metadata.name', obj)).toEqual(['a']);
  });

  it('yields nothing for missing keys', () => {
    expect(evaluateJsonPath('.spec.missing.deeper', obj)).toEqual([]);
  });

  it('filters lists', () => {
    expect(evaluateJsonPath('.status.conditions[?(@.type=="Ready")].status', obj)).toEqual(['True']);
    expect(evaluateJsonPath(".status.conditions[?(@.type == 'Synced')].status", obj)).toEqual(['False']);
    expect(evaluateJsonPath('.status.conditions[?(@.type!="Ready")].type', obj)).toEqual(['Synced']);
    expect(evaluateJsonPath('.spec.ports[?(@.port>100)].port', obj)).toEqual([443]);
  });

  it('indexes, wildcards and quoted keys', () => {
    expect(evaluateJsonPath('.spec.ports[0].port', obj)).toEqual([80]);
    expect(evaluateJsonPath('.spec.ports[-1].port', obj)).toEqual([443]);
    expect(evaluateJsonPath('.spec.ports[*].port', obj)).toEqual([80, 443]);
    expect(evaluateJsonPath(".metadata.labels['app.kubernetes.io/name']", obj)).toEqual(['web']);
    expect(evaluateJsonPath('.metadata.labels.app\\.kubernetes\\.io/name', obj)).toEqual(['web']);
  });

  it('rejects what it does not understand', () => {
    expect(() => parseJsonPath('..spec')).toThrow(JsonPathError);
    expect(() => parseJsonPath('.spec[')).toThrow(JsonPathError);
  });

  it('prints values as Go fmt does', () => {
    expect(goFormat({ b: 1, a: 'x' })).toBe('map[a:x b:1]');
    expect(goFormat([1, 'two', true])).toBe('[1 two true]');
    expect(goFormat(1.5)).toBe('1.5');
  });
});
