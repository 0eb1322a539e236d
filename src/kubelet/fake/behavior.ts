// What a hollow container "does", read from its command line: the contract controller tests rely on.
//   ["true"]                                   exits 0 at once ("false" exits 1)
//   ["sh","-c","exit N"], ["/bin/sh","-c",…]   exits N at once
//   ["sleep","N"], ["sh","-c","sleep N"]       exits 0 after N seconds
//   anything else (the image's own command)    runs until stopped

export type Behavior =
  | { kind: 'exit'; exitCode: number }
  | { kind: 'sleep'; seconds: number }
  | { kind: 'run' };

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash']);

/** The program's base name: "/bin/sh" → "sh". */
function base(program: string): string {
  return program.slice(program.lastIndexOf('/') + 1);
}

/** coreutils `sleep` durations: "5", "0.5", "2s", "3m", "1h", "1d"; undefined for "infinity" or junk. */
export function parseSleep(words: string[]): number | undefined {
  if (words.length === 0) return undefined;
  let total = 0;
  for (const word of words) {
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(word);
    if (!m) return undefined;
    const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
    total += Number(m[1]) * unit;
  }
  return total;
}

/** A simple command (no shell): true, false, sleep N, exit N (as a shell builtin's script). */
function simpleCommand(words: string[]): Behavior | undefined {
  if (words.length === 0) return undefined;
  const program = base(words[0]);
  if (program === 'true' && words.length === 1) return { kind: 'exit', exitCode: 0 };
  if (program === 'false' && words.length === 1) return { kind: 'exit', exitCode: 1 };
  if (program === 'sleep') {
    const seconds = parseSleep(words.slice(1));
    return seconds === undefined ? { kind: 'run' } : { kind: 'sleep', seconds };
  }
  return undefined;
}

/** A `sh -c` script: "exit N", "exit", "true", "false", "sleep N". */
function shellScript(script: string): Behavior | undefined {
  const words = script.trim().split(/\s+/).filter((w) => w !== '');
  if (words[0] === 'exit' && words.length <= 2) {
    if (words.length === 1) return { kind: 'exit', exitCode: 0 };
    if (/^\d+$/.test(words[1])) return { kind: 'exit', exitCode: Number(words[1]) % 256 };
    return undefined;
  }
  return simpleCommand(words);
}

/** Reads the behavior from spec.command followed by spec.args (the process's argv). */
export function behaviorOf(command: string[], args: string[]): Behavior {
  const argv = [...command, ...args];
  if (argv.length >= 3 && SHELLS.has(base(argv[0])) && argv[1] === '-c') {
    return shellScript(argv[2]) ?? { kind: 'run' };
  }
  return simpleCommand(argv) ?? { kind: 'run' };
}
