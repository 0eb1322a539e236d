// `skiff image load | build | ls | rm`'s actions: images on the engine the cluster's nodes use.
// Loaded only when an image command runs (../commands/image.ts registers them).
import { buildImage, loadImage, removeImage, renderJson, renderShort, tableRows } from '../../cluster/images.js';
import { DockerDriver } from '../../driver/docker/driver.js';
import { formatTable, outputFormat } from '../output/format.js';
import { engineCall, withReporter, type CommonFlags } from './common.js';

export async function load(source: string, flags: CommonFlags): Promise<void> {
  const result = await withReporter(flags, (sink) => loadImage(new DockerDriver(), sink, source));
  if (result.kind === 'present') process.stderr.write(`Image ${result.name} is already on the engine the nodes use: nothing to load\n`);
  else for (const name of result.names) process.stderr.write(`Loaded image ${name}\n`);
}

export async function build(dir: string, flags: CommonFlags & { tag: string }): Promise<void> {
  await withReporter(flags, (sink) => buildImage(new DockerDriver(), sink, dir, flags.tag));
  process.stderr.write(`Built ${flags.tag}\n`);
}

export async function list(flags: CommonFlags & { format: string }): Promise<void> {
  const format = outputFormat(flags.format, ['short', 'table', 'json'] as const);
  const images = await engineCall((driver) => driver.listImages());
  if (format === 'json') process.stdout.write(renderJson(images));
  else if (format === 'table') process.stdout.write(formatTable(['IMAGE', 'TAG', 'IMAGE ID', 'SIZE'], tableRows(images)));
  else process.stdout.write(renderShort(images));
}

export async function remove(refs: string[]): Promise<void> {
  for (const ref of refs) {
    await engineCall((driver) => removeImage(driver, ref));
    process.stderr.write(`Removed ${ref}\n`);
  }
}
