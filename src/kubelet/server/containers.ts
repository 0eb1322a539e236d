// Which runtime container a streaming request means, from the pod's status as this kubelet wrote it
// (pkg/kubelet/kubelet_pods.go validateContainerLogStatus, and findContainer for exec/attach).
import type { KubeObject } from '../../api/types.js';
import { KubeletHttpError } from './paths.js';

type Json = Record<string, unknown>;

interface ContainerState {
  running?: Json;
  terminated?: { containerID?: string };
  waiting?: { reason?: string };
}

interface ContainerStatus {
  name?: string;
  containerID?: string;
  state?: ContainerState;
  lastState?: ContainerState;
}

function statusOf(pod: KubeObject, container: string): ContainerStatus | undefined {
  const status = (pod.status ?? {}) as Json;
  const lists = ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses'];
  for (const key of lists) {
    const found = ((status[key] ?? []) as ContainerStatus[]).find((s) => s.name === container);
    if (found) return found;
  }
  return undefined;
}

/** The container whose logs to read: the running or last terminated one, or the one before it. */
export function logContainerId(pod: KubeObject, container: string, previous: boolean): string {
  const podName = pod.metadata.name!;
  const status = statusOf(pod, container);
  if (!status) throw new KubeletHttpError(400, `container "${container}" in pod "${podName}" is not available`);
  const state = status.state ?? {};
  const lastTerminated = status.lastState?.terminated;
  if (previous) {
    if (!lastTerminated?.containerID) throw new KubeletHttpError(400, `previous terminated container "${container}" in pod "${podName}" not found`);
    return lastTerminated.containerID;
  }
  if (state.running && status.containerID) return status.containerID;
  if (state.terminated) {
    const id = state.terminated.containerID || status.containerID || lastTerminated?.containerID;
    if (!id) throw new KubeletHttpError(400, `container "${container}" in pod "${podName}" is terminated`);
    return id;
  }
  if (lastTerminated) {
    if (!lastTerminated.containerID) throw new KubeletHttpError(400, `container "${container}" in pod "${podName}" is terminated`);
    return lastTerminated.containerID;
  }
  if (state.waiting) {
    const reason = state.waiting.reason ?? '';
    if (reason === 'ErrImagePull') throw new KubeletHttpError(400, `container "${container}" in pod "${podName}" is waiting to start: image can't be pulled`);
    if (reason === 'ImagePullBackOff') throw new KubeletHttpError(400, `container "${container}" in pod "${podName}" is waiting to start: trying and failing to pull image`);
    throw new KubeletHttpError(400, `container "${container}" in pod "${podName}" is waiting to start: ${reason}`);
  }
  throw new KubeletHttpError(400, `container "${container}" in pod "${podName}" is waiting to start - no logs yet`);
}

/** The running container an exec or attach enters. */
export function runningContainerId(pod: KubeObject, container: string): string {
  const status = statusOf(pod, container);
  if (!status?.state?.running || !status.containerID) throw new KubeletHttpError(500, `container not found ("${container}")`);
  return status.containerID;
}
