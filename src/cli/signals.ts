// Long-running commands (control-plane, agent) stop cleanly on SIGTERM or SIGINT: once, then exit 0.

export function exitOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handle = () => {
    if (stopping) return;
    stopping = true;
    void stop().then(() => process.exit(0), (err: unknown) => {
      process.stderr.write(`skiff: stopping failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
