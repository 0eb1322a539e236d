// `skiff image load | build | ls | rm`: images on the engine the cluster's nodes use.
// Registration only: the driver loads when a subcommand runs (../actions/image.ts).
import type { Command } from 'commander';
import type { CommonFlags } from '../actions/common.js';
import { profileFlag } from './profileflag.js';

const actions = () => import('../actions/image.js');

export function registerImage(program: Command): void {
  const image = program.command('image').description('load, build, list or remove the images pods run (the host engine\'s)');

  profileFlag(image.command('load').description('load an image tar (docker save), or check that a named image is there'))
    .argument('<tar-or-image>', 'a tar file, or an image name the engine has')
    .action(async (source: string, flags: CommonFlags) => (await actions()).load(source, flags));

  profileFlag(image.command('build').description('build an image from a directory with a Dockerfile'))
    .requiredOption('-t, --tag <tag>', 'the image\'s name:tag')
    .argument('<dir>', 'the build context')
    .option('-o, --output <format>', 'progress as json')
    .action(async (dir: string, flags: CommonFlags & { tag: string }) => (await actions()).build(dir, flags));

  profileFlag(image.command('ls').alias('list').description('list the images'))
    .option('--format <format>', 'short, table or json', 'short')
    .action(async (flags: CommonFlags & { format: string }) => (await actions()).list(flags));

  profileFlag(image.command('rm').alias('remove').description('remove images'))
    .argument('<images...>', 'image names or ids')
    .action(async (refs: string[]) => (await actions()).remove(refs));
}
