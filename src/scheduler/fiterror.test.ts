import { describe, expect, it } from 'vitest';
import { fitErrorMessage, preemptionMessage, reasonHistogram, truncateMessage, type Diagnosis } from './fiterror.js';
import type { FilterStatus } from './types.js';

const st = (reasons: string[], code: FilterStatus['code'] = 'Unschedulable'): FilterStatus => ({ code, reasons, plugin: 'NodeResourcesFit' });

function diag(statuses: [string, FilterStatus][], extra: Partial<Diagnosis> = {}): Diagnosis {
  return { numAllNodes: statuses.length, statuses: new Map(statuses), unschedulablePlugins: new Set(), ...extra };
}

describe('FailedScheduling message', () => {
  it('counts reasons over nodes and sorts them as strings', () => {
    const d = diag([
      ['a', st(['Insufficient cpu'])],
      ['b', st(['Insufficient cpu', 'Insufficient memory'])],
      ['c', st(['node(s) were unschedulable'], 'UnschedulableAndUnresolvable')],
    ]);
    expect(fitErrorMessage(d)).toBe('0/3 nodes are available: 1 Insufficient memory, 1 node(s) were unschedulable, 2 Insufficient cpu.');
  });

  it('sorts by bytes, so 10 comes before 2', () => {
    const statuses: [string, FilterStatus][] = [];
    for (let i = 0; i < 10; i++) statuses.push([`a${i}`, st(['Insufficient cpu'])]);
    statuses.push(['b0', st(['Insufficient memory'])], ['b1', st(['Insufficient memory'])]);
    expect(reasonHistogram(diag(statuses))).toEqual(['10 Insufficient cpu', '2 Insufficient memory']);
  });

  it('appends the preemption part', () => {
    const d = diag([['a', st(['Insufficient cpu'])], ['b', st(['Insufficient cpu'])]]);
    const pre = preemptionMessage(2, new Map([['a', st(['No preemption victims found for incoming pod'], 'UnschedulableAndUnresolvable')], ['b', st(['No preemption victims found for incoming pod'], 'UnschedulableAndUnresolvable')]]));
    expect(fitErrorMessage(d, pre)).toBe(
      '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
    );
  });

  it('says preemption is not helpful for nodes it did not try', () => {
    const d = diag([['a', st(['node(s) were unschedulable'], 'UnschedulableAndUnresolvable')], ['b', st(['Insufficient cpu'])]]);
    const pre = preemptionMessage(2, new Map([['b', st(['No preemption victims found for incoming pod'])]]));
    expect(fitErrorMessage(d, pre)).toBe(
      '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.',
    );
  });

  it('uses a PreFilter message instead of the histogram', () => {
    const d: Diagnosis = { numAllNodes: 1, statuses: new Map(), preFilterMsg: 'pod has unbound immediate PersistentVolumeClaims', unschedulablePlugins: new Set() };
    expect(fitErrorMessage(d, preemptionMessage(1, new Map()))).toBe(
      '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
  });

  it('counts nodes absent from the statuses with the absent status', () => {
    const d = diag([['a', st(['Insufficient cpu'])]], {
      numAllNodes: 3,
      absent: st(["node(s) didn't satisfy plugin(s) [NodeAffinity]"], 'UnschedulableAndUnresolvable'),
    });
    expect(fitErrorMessage(d)).toBe("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].");
  });

  it('truncates long notes like truncateMessage', () => {
    const long = 'x'.repeat(2000);
    const t = truncateMessage(long);
    expect(t.length).toBe(1024);
    expect(t.endsWith(' ...')).toBe(true);
    expect(truncateMessage('short')).toBe('short');
  });
});
