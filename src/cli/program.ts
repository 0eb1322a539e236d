// skiff's commands, registered: names, arguments, options and help, nothing more. Each action
// imports its implementation (./actions/) when it runs, so that `skiff version` or `--help`
// does not load Docker's client, the API server or conf (program.test.ts keeps it so).
import { Command } from 'commander';
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
import { KUBERNETES_VERSION, SKIFF_VERSION } from '../api/version.js';

export function buildProgram(): Command {
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
