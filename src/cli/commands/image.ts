// `skiff image load | build | ls | rm`: images on the engine the cluster's nodes use.
import type { Command } from 'commander';
import { buildImage, loadImage, removeImage, renderJson, renderShort, tableRows } from '../../cluster/images.js';
import { DockerDriver } from '../../driver/docker/driver.js';
import { formatTable, outputFormat } from '../output/format.js';
import { engineCall, withReporter, type CommonFlags } from './common.js';
import { profileFlag } from './profileflag.js';

export function registerImage(program: Command): void {
  const image = program.command('image').description('load, build, list or remove the images pods run (the host engine\'s)');

  profileFlag(image.command('load').description('load an image tar (docker save), or check that a named image is there'))
    .argument('<tar-or-image>', 'a tar file, or an image name the engine has')
    .action(async (source: string, flags: CommonFlags) => {
      const result = await withReporter(flags, (sink) => loadImage(new DockerDriver(), sink, source));
      if (result.kind === 'present') process.stderr.write(`Image ${result.name} is already on the engine the nodes use: nothing to load\n`);
      else for (const name of result.names) process.stderr.write(`Loaded image ${name}\n`);
    });

  profileFlag(image.command('build').description('build an image from a directory with a Dockerfile'))
    .requiredOption('-t, --tag <tag>', 'the image\'s name:tag')
    .argument('<dir>', 'the build context')
    .option('-o, --output <format>', 'progress as json')
    .action(async (dir: string, flags: CommonFlags & { tag: string }) => {
      await withReporter(flags, (sink) => buildImage(new DockerDriver(), sink, dir, flags.tag));
      process.stderr.write(`Built ${flags.tag}\n`);
    });

  profileFlag(image.command('ls').alias('list').description('list the images'))
    .option('--format <format>', 'short, table or json', 'short')
    .action(async (flags: CommonFlags & { format: string }) => {
      const format = outputFormat(flags.format, ['short', 'table', 'json'] as const);
      const images = await engineCall((driver) => driver.listImages());
      if (format === 'json') process.stdout.write(renderJson(images));
      else if (format === 'table') process.stdout.write(formatTable(['IMAGE', 'TAG', 'IMAGE ID', 'SIZE'], tableRows(images)));
      else process.stdout.write(renderShort(images));
    });

  profileFlag(image.command('rm').alias('remove').description('remove images'))
    .argument('<images...>', 'image names or ids')
    .action(async (refs: string[]) => {
      for (const ref of refs) {
        await engineCall((driver) => removeImage(driver, ref));
        process.stderr.write(`Removed ${ref}\n`);
      }
    });
}
