import { describe, expect, it } from 'vitest';
import { intValue, milliValue, nodeAllocatable, podRequests } from './resources.js';

describe('quantities', () => {
  it('converts cpu to millicores, rounding up like Quantity.MilliValue', () => {
    expect(milliValue('100m')).toBe(100);
    expect(milliValue('0.1')).toBe(100);
    expect(milliValue('1.5')).toBe(1500);
    expect(milliValue('2')).toBe(2000);
    expect(milliValue('1n')).toBe(1);
    expect(milliValue(undefined)).toBe(0);
  });

  it('converts memory to bytes', () => {
    expect(intValue('1Gi')).toBe(1073741824);
    expect(intValue('128M')).toBe(128e6);
    expect(intValue('100m')).toBe(1);
  });
});

const c = (requests: Record<string, string>, extra: Record<string, unknown> = {}) => ({ name: 'x', resources: { requests }, ...extra });

describe('podRequests', () => {
  it('sums regular containers', () => {
    const r = podRequests({ containers: [c({ cpu: '100m', memory: '64Mi' }), c({ cpu: '200m' })] });
    expect(r.milliCpu).toBe(300);
    expect(r.memory).toBe(64 * 2 ** 20);
  });

  it('takes the largest init container when it exceeds the containers (init max rule)', () => {
    const r = podRequests({ containers: [c({ cpu: '100m' })], initContainers: [c({ cpu: '500m' }), c({ cpu: '300m' })] });
    expect(r.milliCpu).toBe(500);
  });

  it('adds sidecars (restartPolicy Always) to the sum and to later init containers', () => {
    const r = podRequests({
      containers: [c({ cpu: '100m' })],
      initContainers: [c({ cpu: '50m' }, { restartPolicy: 'Always' }), c({ cpu: '400m' })],
    });
    // containers 100 + sidecar 50 = 150; the second init runs beside the sidecar: 450.
    expect(r.milliCpu).toBe(450);
  });

  it('uses limits when requests are missing, and adds overhead', () => {
    const r = podRequests({ containers: [{ name: 'a', resources: { limits: { cpu: '1' } } }], overhead: { cpu: '10m' } });
    expect(r.milliCpu).toBe(1010);
  });

  it('applies the non-zero defaults only when asked', () => {
    const spec = { containers: [{ name: 'a' }, c({ cpu: '1' })] };
    expect(podRequests(spec).milliCpu).toBe(1000);
    const nz = podRequests(spec, true);
    expect(nz.milliCpu).toBe(1100);
    expect(nz.memory).toBe(2 * 200 * 2 ** 20);
  });

  it('keeps extended resources as scalars', () => {
    const r = podRequests({ containers: [c({ 'nvidia.com/gpu': '2', 'hugepages-2Mi': '4Mi' })] });
    expect(r.scalar.get('nvidia.com/gpu')).toBe(2);
    expect(r.scalar.get('hugepages-2Mi')).toBe(4 * 2 ** 20);
  });
});

describe('nodeAllocatable', () => {
  it('reads allocatable, falling back to capacity', () => {
    expect(nodeAllocatable({ status: { allocatable: { cpu: '2', pods: '110' } } })).toMatchObject({ pods: 110, vec: { milliCpu: 2000 } });
    expect(nodeAllocatable({ status: { capacity: { cpu: '4' } } }).vec.milliCpu).toBe(4000);
    expect(nodeAllocatable(undefined).pods).toBe(0);
  });
});
