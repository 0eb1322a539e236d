// skiff's entry point: parses the command line and runs one command; errors end here.
import { CommanderError } from 'commander';
import { ExitCode, UserError } from './errors.js';
import { buildProgram } from './program.js';

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
