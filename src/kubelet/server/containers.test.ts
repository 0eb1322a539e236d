import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types.js';
import { logContainerId, runningContainerId } from './containers.js';

function pod(status: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, status: { containerStatuses: [{ name: 'c', ...status }] } };
}

describe('logContainerId', () => {
  it('reads the running container, or the last terminated one', () => {
    expect(logContainerId(pod({ containerID: 'docker://a', state: { running: {} } }), 'c', false)).toBe('docker://a');
    expect(logContainerId(pod({ containerID: 'docker://a', state: { terminated: { containerID: 'docker://a' } } }), 'c', false)).toBe('docker://a');
    // In CrashLoopBackOff: the run that just ended.
    expect(logContainerId(pod({ containerID: 'docker://b', state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { containerID: 'docker://b' } } }), 'c', false)).toBe('docker://b');
  });

  it('reads the previous container, or says it is not there', () => {
    expect(logContainerId(pod({ containerID: 'docker://b', state: { running: {} }, lastState: { terminated: { containerID: 'docker://a' } } }), 'c', true)).toBe('docker://a');
    expect(() => logContainerId(pod({ containerID: 'docker://b', state: { running: {} }, lastState: {} }), 'c', true)).toThrow('previous terminated container "c" in pod "web" not found');
  });

  it('explains a container that is waiting or unknown', () => {
    expect(() => logContainerId(pod({ state: { waiting: { reason: 'ContainerCreating' } } }), 'c', false)).toThrow('container "c" in pod "web" is waiting to start: ContainerCreating');
    expect(() => logContainerId(pod({ state: { waiting: { reason: 'ImagePullBackOff' } } }), 'c', false)).toThrow('is waiting to start: trying and failing to pull image');
    expect(() => logContainerId(pod({ state: { waiting: { reason: 'ErrImagePull' } } }), 'c', false)).toThrow("is waiting to start: image can't be pulled");
    expect(() => logContainerId(pod({}), 'other', false)).toThrow('container "other" in pod "web" is not available');
  });
});

describe('runningContainerId', () => {
  it('needs the container running', () => {
    expect(runningContainerId(pod({ containerID: 'docker://a', state: { running: {} } }), 'c')).toBe('docker://a');
    expect(() => runningContainerId(pod({ containerID: 'docker://a', state: { terminated: {} } }), 'c')).toThrow('container not found ("c")');
  });
});
