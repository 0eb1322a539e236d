// Registering skiff's commands must stay cheap: no dependency but commander, and none of skiff's
// own heavy modules, may load until a command's action runs. Each is replaced by a mock that
// records its name and throws, so a static import of one anywhere below program.ts shows up.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
/** Every runtime dependency (dockerode, conf, ws, http-proxy, @peculiar/x509, ink…) but commander. */
const HEAVY_PACKAGES = Object.keys(packageJson.dependencies).filter((name) => name !== 'commander');
/** skiff's own: the API server, the control plane, the Docker driver, the kubelet (paths from this file). */
const HEAVY_MODULES = ['../apiserver/server.js', '../cluster/controlplane.js', '../driver/docker/driver.js', '../kubelet/agent.js'];

const loaded: string[] = [];
for (const name of [...HEAVY_PACKAGES, ...HEAVY_MODULES]) {
  vi.doMock(name, () => {
    loaded.push(name);
    throw new Error(`${name} was loaded`);
  });
}

/** What importing path loads of the trapped modules (the first one aborts the import). */
async function trippedBy(path: string): Promise<string[]> {
  loaded.length = 0;
  await import(path).catch(() => undefined);
  return [...loaded];
}

describe('registering the commands', () => {
  it('loads no dependency but commander and none of skiff\'s heavy modules, help included', async () => {
    expect(await trippedBy('./program.js')).toEqual([]);
    const { buildProgram } = await import('./program.js');
    const program = buildProgram();
    expect(program.helpInformation()).toContain('control-plane');
    // `skiff config --help` lists the keys without loading conf.
    let help = '';
    const config = program.commands.find((c) => c.name() === 'config')!;
    config.configureOutput({ writeOut: (s) => void (help += s) });
    config.outputHelp();
    expect(help).toMatch(/Keys:\n  cpus +CPUs for each node/);
    expect(loaded).toEqual([]);
  });

  it('the traps catch a package and a module imported further down', async () => {
    expect(await trippedBy('../cluster/config.js')).toEqual(['conf']);
    expect(await trippedBy('./actions/control-plane.js')).toEqual(['../cluster/controlplane.js']);
  });
});
