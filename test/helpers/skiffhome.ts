// A fresh $SKIFF_HOME for each test (profiles, config and host-proxy records live there), removed
// afterwards. Registers beforeEach/afterEach; call it at the top level of a file or describe.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/** Returns the current test's SKIFF_HOME directory. */
export function useSkiffHome(prefix: string): () => string {
  let home = '';
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), prefix));
    process.env.SKIFF_HOME = home;
  });
  afterEach(() => {
    delete process.env.SKIFF_HOME;
    rmSync(home, { recursive: true, force: true });
  });
  return () => home;
}
