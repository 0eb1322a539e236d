import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { saveProfile } from '../../cluster/profiles.js';
import { registerProfile } from './profile.js';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'skiff-profile-cli-'));
  process.env.SKIFF_HOME = home;
});
afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.SKIFF_HOME;
  rmSync(home, { recursive: true, force: true });
});

describe('skiff profile list', () => {
  it('runs through commander, data on stdout', async () => {
    saveProfile({
      name: 'skiff', driver: 'docker', nodes: [{ name: 'skiff', role: 'control-plane', ip: '10.100.0.2' }], apiServer: { hostPort: 40001 },
      kubernetesVersion: 'v1.32.0', addons: {}, createdAt: '2025-01-01T00:00:00.000Z',
    });
    const program = new Command('skiff').exitOverride();
    registerProfile(program, async () => 'Unknown');
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await program.parseAsync(['profile', 'list', '-o', 'json'], { from: 'user' });
    const valid = JSON.parse(out).valid as { name: string; status: string }[];
    expect(valid.map((p) => [p.name, p.status])).toEqual([['skiff', 'Unknown']]);
  });
});
