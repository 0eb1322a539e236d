import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contextHash, packed } from './image.js';

const dirs: string[] = [];
function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}
const cacheHome = process.env.XDG_CACHE_HOME;
beforeEach(() => {
  process.env.XDG_CACHE_HOME = tempDir('skiff-cache-'); // the digest cache stays out of ~/.cache
});
afterEach(() => {
  if (cacheHome === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = cacheHome;
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** A context like the node image's: a borrowed host file (absolute link) and applets (relative links). */
function context(): { dir: string; host: string } {
  const host = tempDir('skiff-host-');
  writeFileSync(join(host, 'busybox'), 'BUSYBOX BINARY');
  const dir = tempDir('skiff-ctx-');
  symlinkSync(join(host, 'busybox'), join(dir, 'busybox'));
  symlinkSync('busybox', join(dir, 'sh'));
  symlinkSync('busybox', join(dir, 'ls'));
  return { dir, host };
}

describe('build contexts with symlinks', () => {
  it('follow absolute links (host files) and keep relative ones as links, in the tar', async () => {
    const { dir } = context();
    const out = tempDir('skiff-out-');
    await pipeline(packed(dir, () => false) as NodeJS.ReadableStream, extract(out));
    expect(lstatSync(join(out, 'busybox')).isFile()).toBe(true);
    expect(readFileSync(join(out, 'busybox'), 'utf8')).toBe('BUSYBOX BINARY');
    expect(lstatSync(join(out, 'sh')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(out, 'sh'))).toBe('busybox');
  });

  it('hash a kept link by its target, and a followed one by the content behind it', async () => {
    const { dir, host } = context();
    const first = await contextHash(dir, `test-${Date.now()}`);
    expect(await contextHash(dir, `test-${Date.now()}-b`)).toBe(first);
    rmSync(join(dir, 'ls'));
    symlinkSync('sh', join(dir, 'ls'));
    const relinked = await contextHash(dir, `test-${Date.now()}-c`);
    expect(relinked).not.toBe(first);
    writeFileSync(join(host, 'busybox'), 'ANOTHER BUSYBOX');
    expect(await contextHash(dir, `test-${Date.now()}-d`)).not.toBe(relinked);
  });
});
