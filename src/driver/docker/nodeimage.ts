// Build contexts for skiff's own images, assembled from what this host already has, since no
// base image can be pulled: a FROM scratch image holding the host's Node.js, the shared libraries
// `ldd` lists for it and the dynamic loader runs Node.js (DESIGN "Images"). The context is a
// temporary tree of symlinks to the host's files; the tar that is sent follows them.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildContext, Driver } from '../driver.js';
import { DriverError } from '../errors.js';

/** The project root: this file is src/driver/docker/ (vitest) or dist/driver/docker/ (built). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const IMAGES = join(PROJECT_ROOT, 'images');

export const NODE_IMAGE = 'skiff-node';
export const SANDBOX_IMAGE = 'skiff-sandbox';

export interface PreparedContext {
  context: BuildContext;
  /** Removes the temporary context tree. */
  dispose(): Promise<void>;
}

/** The shared libraries and the loader a binary needs, as the absolute paths it looks them up by. */
export function sharedLibraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const libs: string[] = [];
  for (const line of out.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.push(m[1]!);
  }
  return libs;
}

/** Directories of the production dependencies, found the way Node.js resolves them. */
export function productionPackages(root: string): string[] {
  const found = new Set<string>();
  const visit = (fromDir: string, deps: Record<string, string>, optional: Set<string>): void => {
    for (const name of Object.keys(deps)) {
      const dir = resolvePackage(root, fromDir, name);
      if (!dir) {
        if (optional.has(name)) continue; // an optional dependency that did not install (another platform's)
        throw new DriverError(`failed to assemble the node image: dependency ${name} is not installed (run npm ci)`);
      }
      if (found.has(dir)) continue;
      found.add(dir);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const opt = pkg.optionalDependencies ?? {};
      visit(dir, { ...pkg.dependencies, ...opt }, new Set(Object.keys(opt)));
    }
  };
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const opt = pkg.optionalDependencies ?? {};
  visit(root, { ...pkg.dependencies, ...opt }, new Set(Object.keys(opt)));
  // A package nested in another's node_modules travels inside its parent's directory.
  const top = join(root, 'node_modules');
  return [...found].filter((d) => /^(@[^/]+\/)?[^/@]+$/.test(d.slice(top.length + 1)) && d.startsWith(top + '/')).sort();
}

function resolvePackage(root: string, fromDir: string, name: string): string | undefined {
  for (let dir = fromDir; dir.startsWith(root); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root) break;
  }
  return undefined;
}

async function link(target: string, at: string): Promise<void> {
  await mkdir(dirname(at), { recursive: true });
  await symlink(target, at);
}

/** A context tree: the image's Dockerfile and static files, then rootfs/ entries linked from the host. */
async function assemble(image: string, links: Array<[target: string, inImage: string]>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `skiff-${image}-context-`));
  await cp(join(IMAGES, image), dir, { recursive: true });
  await mkdir(join(dir, 'rootfs/tmp'), { recursive: true });
  await chmod(join(dir, 'rootfs/tmp'), 0o1777);
  // Binaries share libraries (libc…): each path in the image is linked once.
  const unique = new Map(links.map(([target, inImage]) => [inImage, target]));
  for (const [inImage, target] of unique) await link(target, join(dir, 'rootfs', inImage));
  return dir;
}

function binaryWithLibraries(binary: string, inImage: string): Array<[string, string]> {
  return [[binary, inImage], ...sharedLibraries(binary).map((lib): [string, string] => [lib, lib])];
}

/**
 * Type declarations, TypeScript sources, source maps and docs in node_modules are nearly half its
 * files (4,100 of 9,100, 25 MB) and Node.js never loads them; every file costs image build time.
 */
export function notNeededAtRuntime(path: string): boolean {
  return path.includes('/node_modules/') && /\.(ts|mts|cts|map|md|markdown)$/i.test(path);
}

/**
 * A package's files for the image. A native addon's sources and build leftovers (better-sqlite3
 * carries 10 MB of SQLite source and 15 MB of object files) stay out: only its .node files go in.
 */
function packageLinks(dir: string, inImage: string): Array<[string, string]> {
  if (!existsSync(join(dir, 'binding.gyp'))) return [[dir, inImage]];
  const keep = readdirSync(dir).filter((n) => !['build', 'deps', 'src'].includes(n));
  const release = join(dir, 'build/Release');
  const addons = existsSync(release) ? readdirSync(release).filter((n) => n.endsWith('.node')) : [];
  return [
    ...keep.map((n): [string, string] => [join(dir, n), `${inImage}/${n}`]),
    ...addons.map((n): [string, string] => [join(release, n), `${inImage}/build/Release/${n}`]),
  ];
}

export const HOST_BUSYBOX = '/bin/busybox';

/**
 * A shell and the usual tools for `skiff ssh`: the host's busybox (Debian's busybox-static) at
 * /bin/busybox with each applet a relative symlink to it (kept as a link in the image, not 400
 * copies). Without busybox on the host the image has no shell, only node.
 */
export function busyboxLinks(busybox = HOST_BUSYBOX): Array<[string, string]> {
  if (!existsSync(busybox)) return [];
  const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').map((a) => a.trim()).filter((a) => /^[\w.[-]+$/.test(a) && a !== 'busybox');
  let libraries: Array<[string, string]> = [];
  try {
    libraries = sharedLibraries(busybox).map((lib): [string, string] => [lib, lib]);
  } catch {
    // ldd refuses a static binary ("not a dynamic executable"): it needs nothing else.
  }
  return [...applets.map((a): [string, string] => ['busybox', `/bin/${a}`]), [busybox, '/bin/busybox'], ...libraries];
}

/** The node image: Node.js runtime + skiff's dist/, bin/, package.json and production node_modules. */
export async function prepareNodeImage(root = PROJECT_ROOT): Promise<PreparedContext> {
  if (!existsSync(join(root, 'dist/cli/main.js'))) {
    throw new DriverError(`failed to assemble the node image: ${join(root, 'dist')} is not built (run npm run build)`);
  }
  // iproute2's `ip`: kube-proxy on the control-plane node adds each ClusterIP to its interface.
  const ip = ['/usr/bin/ip', '/bin/ip', '/sbin/ip', '/usr/sbin/ip'].find((p) => existsSync(p));
  const links: Array<[string, string]> = [
    ...busyboxLinks(),
    ...binaryWithLibraries(process.execPath, '/usr/local/bin/node'),
    ...(ip ? binaryWithLibraries(ip, '/usr/bin/ip') : []),
    ...['dist', 'bin', 'package.json'].map((p): [string, string] => [join(root, p), `/skiff/${p}`]),
    ...productionPackages(root).flatMap((d) => packageLinks(d, `/skiff/${d.slice(root.length + 1)}`)),
  ];
  const dir = await assemble('node', links);
  return { context: { repository: NODE_IMAGE, dir, exclude: notNeededAtRuntime }, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** The pod sandbox image: the host's `sleep` and its libraries, nothing else. */
export async function prepareSandboxImage(): Promise<PreparedContext> {
  const sleep = ['/bin/sleep', '/usr/bin/sleep'].find((p) => existsSync(p));
  if (!sleep) throw new DriverError('failed to assemble the sandbox image: this host has no sleep binary (install coreutils)');
  const dir = await assemble('sandbox', binaryWithLibraries(sleep, '/bin/sleep'));
  return { context: { repository: SANDBOX_IMAGE, dir }, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Builds (or finds) an image from a prepared context and removes the context afterwards. */
export async function ensureBuilt(driver: Driver, prepare: () => Promise<PreparedContext>): Promise<string> {
  const { context, dispose } = await prepare();
  try {
    return await driver.ensureImage(context);
  } finally {
    await dispose();
  }
}
