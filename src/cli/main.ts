// skiff's entry point: parses the command line and runs one command; errors end here.
import { Command, CommanderError } from 'commander';
import { registerAgent } from './commands/agent.js';
import { registerConfig } from './commands/config.js';
import { registerControlPlane } from './commands/control-plane.js';
import { registerImage } from './commands/image.js';
import { registerLifecycle } from './commands/lifecycle.js';
import { registerNode } from './commands/node.js';
import { registerPause } from './commands/pause.js';
import { installGlobalProfile } from './commands/profileflag.js';
import { registerService } from './commands/service.js';
import { registerSsh } from './commands/ssh.js';
import { registerUpdateContext } from './commands/update-context.js';
import { registerProfile } from './commands/profile.js';
import { registerRunNode } from './commands/run-node.js';
import { registerVersion } from './commands/version.js';
import { ExitCode, UserError } from './errors.js';
import { KUBERNETES_VERSION, SKIFF_VERSION } from '../api/version.js';

function buildProgram(): Command {
  const program = new Command('skiff')
    .description('a local Kubernetes for development')
    .version(`skiff ${SKIFF_VERSION} (Kubernetes ${KUBERNETES_VERSION.gitVersion})`, '--version')
    // Before any command is added, so every subcommand inherits it: usage errors end in report().
    .exitOverride();
  installGlobalProfile(program);
  registerControlPlane(program);
  registerAgent(program);
  registerLifecycle(program);
  registerNode(program);
  registerPause(program);
  registerSsh(program);
  registerService(program);
  registerImage(program);
  registerUpdateContext(program);
  registerVersion(program);
  registerProfile(program);
  registerConfig(program);
  registerRunNode(program);
  return program;
}

function report(err: unknown): never {
  // commander has printed its message (or the help, or the version) already.
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : ExitCode.usage);
  if (err instanceof UserError) {
    process.stderr.write(`✗ ${err.message}\n${err.fix ? `  ${err.fix}\n` : ''}`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`skiff hit a bug: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\nPlease report it with the command you ran.\n`);
  process.exit(ExitCode.bug);
}

buildProgram().parseAsync(process.argv).catch(report);
