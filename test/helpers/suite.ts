// One control plane per test file: started in beforeAll, stopped and removed in afterAll (even when
// a test or the start itself failed).
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import { startControlPlane, type ControlPlane, type StartOptions } from './controlplane.js';
import { kubectlFor, type Kubectl, type KubectlVersion } from './kubectl.js';

export interface Suite {
  /** The running control plane (throws if beforeAll failed). */
  readonly cp: ControlPlane;
  /** kubectl of a version (1.32 by default) for this file's control plane. */
  kubectl(version?: KubectlVersion): Kubectl;
  /** Writes `text` to a file in the temporary root and returns its path. */
  file(name: string, text: string): Promise<string>;
}

export function useControlPlane(opts: StartOptions = {}): Suite {
  let current: ControlPlane | undefined;
  const kubectls = new Map<KubectlVersion, Kubectl>();
  beforeAll(async () => {
    current = await startControlPlane(opts);
  });
  afterAll(async () => {
    await current?.dispose();
  });
  const suite: Suite = {
    get cp(): ControlPlane {
      if (!current) throw new Error('the control plane did not start (see beforeAll)');
      return current;
    },
    kubectl(version: KubectlVersion = '1.32'): Kubectl {
      let k = kubectls.get(version);
      if (!k) {
        k = kubectlFor(suite.cp, version);
        kubectls.set(version, k);
      }
      return k;
    },
    async file(name: string, text: string): Promise<string> {
      const p = await suite.cp.path('files', name);
      await writeFile(p, text);
      return p;
    },
  };
  return suite;
}

/** Splits kubectl table output into rows of cells (columns are separated by 3+ spaces). */
export function table(stdout: string): string[][] {
  return stdout.split('\n').filter((l) => l.trim() !== '').map((l) => l.trim().split(/\s{3,}/));
}

/** The row whose first cell is `name` (throws with the whole output otherwise). */
export function row(stdout: string, name: string): string[] {
  const r = table(stdout).find((cells) => cells[0] === name);
  if (!r) throw new Error(`no row ${name} in:\n${stdout}`);
  return r;
}

/** The header row (first line). */
export function header(stdout: string): string[] {
  return table(stdout)[0] ?? [];
}

/** A kubectl AGE cell: 0s, 12s, 3m4s, 5m, 2d… */
export const AGE = /^(\d+[smhdy])+$|^<unknown>$/;

export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 10_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
