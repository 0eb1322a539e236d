// `skiff image load | build | ls | rm`. The nodes' kubelets create pods on the host's own engine,
// so the host's images are the cluster's images: loading is `docker load`, and naming an image the
// engine already has needs nothing at all.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { ExitCode, UserError } from './errors.js';
import type { Driver, ImageInfo } from '../driver/driver.js';
import { runStep, type EventSink } from './progress.js';

export type LoadResult = { kind: 'loaded'; names: string[] } | { kind: 'present'; name: string };

/** A tar file (as `docker save` writes it) is loaded; an image name must already be on the engine. */
export async function loadImage(driver: Driver, sink: EventSink, source: string): Promise<LoadResult> {
  if (existsSync(source) && statSync(source).isFile()) {
    const names = await runStep(sink, 'load', `Loading ${source}`, () => driver.loadImage(createReadStream(source)));
    return { kind: 'loaded', names };
  }
  if (await driver.hasImage(source)) return { kind: 'present', name: source };
  throw new UserError(
    `"${source}" is neither a file nor an image the Docker engine has`,
    'give a tar written by `docker save IMAGE -o FILE`, or build the image first (`skiff image build -t TAG DIR` or `docker build`)',
    ExitCode.notFound,
  );
}

/** Builds DIR as TAG; the builder's output goes to the sink as it comes. */
export async function buildImage(driver: Driver, sink: EventSink, dir: string, tag: string): Promise<void> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`build context "${dir}" is not a directory`, 'give the directory holding the Dockerfile', ExitCode.notFound);
  if (!existsSync(`${dir}/Dockerfile`)) throw new UserError(`"${dir}" has no Dockerfile`, 'write one (FROM scratch works without a registry)', ExitCode.notFound);
  await runStep(sink, 'build', `Building ${tag}`, () => driver.buildImage(dir, tag, (line) => sink.emit({ type: 'info', message: line })));
}

export async function removeImage(driver: Driver, ref: string): Promise<void> {
  try {
    await driver.removeImage(ref);
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 404) throw new UserError(`no such image: ${ref}`, 'see `skiff image ls`', ExitCode.notFound);
    if (status === 409) throw new UserError(`image ${ref} is in use: ${(err as Error).message.replace(/^failed to remove image [^:]+: /, '')}`, 'delete the pods (or containers) that use it first', ExitCode.conflict);
    throw err;
  }
}

/** One line per tag (untagged images by id), minikube's `--format short`. */
export function renderShort(images: ImageInfo[]): string {
  return images.flatMap((i) => (i.repoTags.length > 0 ? i.repoTags : [i.id])).sort().map((t) => `${t}\n`).join('');
}

/** repository and tag of "repo:tag" (a registry port's colon is not the tag's). */
export function splitTag(ref: string): [string, string] {
  const at = ref.lastIndexOf(':');
  return at > ref.lastIndexOf('/') ? [ref.slice(0, at), ref.slice(at + 1)] : [ref, '<none>'];
}

/** Sizes as docker prints them: decimal units, three significant digits. */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : Number(v.toPrecision(3))}${units[u]}`;
}

export function tableRows(images: ImageInfo[]): string[][] {
  return images.flatMap((i) => (i.repoTags.length > 0 ? i.repoTags : ['<none>:<none>']).map((t) => {
    const [repo, tag] = splitTag(t);
    return [repo, tag, i.id.replace(/^sha256:/, '').slice(0, 12), humanSize(i.size)];
  })).sort((a, b) => a[0]!.localeCompare(b[0]!) || a[1]!.localeCompare(b[1]!));
}

/** minikube's `--format json`: id, repoDigests, repoTags, size (a string of bytes). */
export function renderJson(images: ImageInfo[]): string {
  return `${JSON.stringify(images.map((i) => ({ id: i.id.replace(/^sha256:/, ''), repoDigests: i.repoDigests, repoTags: i.repoTags, size: String(i.size) })))}\n`;
}
