// The hollow runtime (kubemark's hollow node): sandboxes and containers are bookkeeping only.
// Containers "run" with no process; how long they run comes from their command (behavior.ts).
// Images are always present.
import { createHash, randomBytes } from 'node:crypto';
import {
  exitReason,
  type ContainerConfig,
  type ContainerEvent,
  type PulledImage,
  type ResourceSample,
  type Runtime,
  type RuntimeContainer,
  type RuntimeSandbox,
  type SandboxConfig,
} from '../runtime.js';
import type { ExecRequest, LogRequest, StdioRequest, StdioStreams } from '../runtime.js';
import { Readable } from 'node:stream';
import { behaviorOf } from './behavior.js';
import { realClock, type Clock } from '../clock.js';

export const FAKE_RUNTIME_VERSION = 'fake://0.1';

/** Exit code of a container stopped by the runtime: SIGKILL, as for a process that ignores SIGTERM. */
const KILLED_EXIT_CODE = 137;

/** A clock the tests can drive. */
export type FakeClock = Clock;

interface Container {
  status: RuntimeContainer;
  timer?: unknown;
}

/** Kubernetes timestamps have second precision. */
function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

function newId(): string {
  return randomBytes(16).toString('hex');
}

/** A stable, image-derived reference, as a registry digest would be. */
export function fakeImageRef(image: string): string {
  return `${image.split('@')[0]}@sha256:${createHash('sha256').update(image).digest('hex')}`;
}

export class FakeRuntime implements Runtime {
  readonly type = 'fake';
  private readonly sandboxes = new Map<string, RuntimeSandbox>();
  private readonly containers = new Map<string, Container>();
  private readonly listeners = new Set<(event: ContainerEvent) => void>();

  constructor(private readonly clock: FakeClock = realClock) {}

  async version(): Promise<string> {
    return FAKE_RUNTIME_VERSION;
  }

  async pullImage(image: string): Promise<PulledImage> {
    return { imageRef: fakeImageRef(image), alreadyPresent: true };
  }

  async runPodSandbox(config: SandboxConfig): Promise<RuntimeSandbox> {
    const sandbox: RuntimeSandbox = {
      id: newId(),
      podUid: config.podUid,
      namespace: config.namespace,
      name: config.name,
      ip: config.ip,
      state: 'ready',
      createdAt: iso(this.clock.now()),
      attempt: config.attempt ?? 0,
    };
    this.sandboxes.set(sandbox.id, sandbox);
    return { ...sandbox };
  }

  async stopPodSandbox(sandboxId: string): Promise<void> {
    const sandbox = this.sandboxes.get(sandboxId);
    if (!sandbox) return;
    for (const c of this.containers.values()) {
      if (c.status.sandboxId === sandboxId) this.kill(c);
    }
    sandbox.state = 'notready';
  }

  async removePodSandbox(sandboxId: string): Promise<void> {
    await this.stopPodSandbox(sandboxId);
    for (const [id, c] of this.containers) {
      if (c.status.sandboxId === sandboxId) this.containers.delete(id);
    }
    this.sandboxes.delete(sandboxId);
  }

  async listPodSandboxes(podUid?: string): Promise<RuntimeSandbox[]> {
    return [...this.sandboxes.values()].filter((s) => podUid === undefined || s.podUid === podUid).map((s) => ({ ...s }));
  }

  async startContainer(sandboxId: string, config: ContainerConfig, imageRef: string): Promise<RuntimeContainer> {
    const sandbox = this.sandboxes.get(sandboxId);
    if (!sandbox || sandbox.state !== 'ready') throw new Error(`sandbox ${sandboxId} is not ready`);
    const now = this.clock.now();
    const container: Container = {
      status: {
        id: `fake://${newId()}`,
        sandboxId,
        name: config.name,
        attempt: config.attempt,
        ...(config.specHash ? { specHash: config.specHash } : {}),
        image: config.image,
        imageRef,
        state: 'running',
        createdAt: iso(now),
        startedAt: iso(now),
      },
    };
    this.containers.set(container.status.id, container);
    this.act(container, behaviorOf(config.command, config.args));
    return { ...container.status };
  }

  async stopContainer(containerId: string): Promise<void> {
    const c = this.containers.get(containerId);
    if (c) this.kill(c);
  }

  async removeContainer(containerId: string): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c) return;
    this.kill(c);
    this.containers.delete(containerId);
  }

  async containerStatus(containerId: string): Promise<RuntimeContainer | undefined> {
    const c = this.containers.get(containerId);
    return c && { ...c.status };
  }

  async listContainers(sandboxId?: string): Promise<RuntimeContainer[]> {
    return [...this.containers.values()]
      .filter((c) => sandboxId === undefined || c.status.sandboxId === sandboxId)
      .map((c) => ({ ...c.status }));
  }

  onContainerEvent(listener: (event: ContainerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Hollow containers run no process: there is nothing to exec into. */
  async exec(containerId: string, _request: ExecRequest): Promise<StdioStreams> {
    throw new Error(`container ${containerId} runs no process on this hollow node (fake runtime): exec is not supported`);
  }

  async attach(containerId: string, _request: StdioRequest): Promise<StdioStreams> {
    throw new Error(`container ${containerId} runs no process on this hollow node (fake runtime): attach is not supported`);
  }

  /** A hollow container printed nothing. */
  async logs(_containerId: string, _options: LogRequest): Promise<Readable> {
    return Readable.from([]);
  }

  /** Hollow containers run no process: there is nothing to measure (kubemark's report none either). */
  async containerStats(_containerId: string): Promise<ResourceSample | undefined> {
    return undefined;
  }

  async close(): Promise<void> {
    for (const c of this.containers.values()) {
      if (c.timer !== undefined) this.clock.clearTimeout(c.timer);
      c.timer = undefined;
    }
    this.listeners.clear();
  }

  /** Carries out the behavior: an immediate exit is already visible in startContainer's answer. */
  private act(c: Container, behavior: ReturnType<typeof behaviorOf>): void {
    if (behavior.kind === 'exit') {
      this.finish(c, behavior.exitCode, exitReason(behavior.exitCode), false);
      this.emitLater(c);
    } else if (behavior.kind === 'sleep') {
      c.timer = this.clock.setTimeout(() => {
        c.timer = undefined;
        this.finish(c, 0, exitReason(0), true);
      }, behavior.seconds * 1000);
    }
  }

  private kill(c: Container): void {
    if (c.status.state !== 'running') return;
    this.finish(c, KILLED_EXIT_CODE, exitReason(KILLED_EXIT_CODE), false);
  }

  private finish(c: Container, exitCode: number, reason: string, emit: boolean): void {
    if (c.timer !== undefined) this.clock.clearTimeout(c.timer);
    c.timer = undefined;
    c.status.state = 'exited';
    c.status.exitCode = exitCode;
    c.status.reason = reason;
    c.status.finishedAt = iso(this.clock.now());
    if (emit) this.emit(c);
  }

  /** Events never fire inside the caller's own call (a PLEG reports after the fact). */
  private emitLater(c: Container): void {
    setImmediate(() => this.emit(c));
  }

  private emit(c: Container): void {
    const event: ContainerEvent = { type: 'exited', containerId: c.status.id, sandboxId: c.status.sandboxId };
    for (const listener of this.listeners) listener(event);
  }
}
