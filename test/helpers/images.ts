// Workload images for e2e tests, built offline: Debian's static busybox (package busybox-static)
// in an otherwise empty image, serving as sh, sleep, httpd, wget and the rest.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Driver } from '../../src/driver/driver.js';

export const BUSYBOX = '/bin/busybox';

/** Builds (once: the tag is the context's hash) `skiff-test-busybox:<hash>` and returns its tag. */
export async function ensureBusyboxImage(driver: Driver): Promise<string> {
  if (!existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} is missing: apt-get install busybox-static`);
  const dir = await mkdtemp(join(tmpdir(), 'skiff-busybox-'));
  try {
    await copyFile(BUSYBOX, join(dir, 'busybox'));
    await writeFile(join(dir, 'Dockerfile'), [
      'FROM scratch',
      'COPY busybox /bin/busybox',
      'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
      'CMD ["/bin/sh"]',
      '',
    ].join('\n'));
    return await driver.ensureImage({ repository: 'skiff-test-busybox', dir });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
