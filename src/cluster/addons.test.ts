import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from './errors.js';
import { knownAddons, validateAddons } from './addons.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('start --addons names', () => {
  it('are the addons/ folder\'s entries: directories and manifest files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-addons-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'dashboard'));
    writeFileSync(join(dir, 'metrics-server.yaml'), '');
    writeFileSync(join(dir, 'README.md'), '');
    expect(knownAddons(dir)).toEqual(['dashboard', 'metrics-server']);
    expect(validateAddons(['dashboard', ' dashboard', 'metrics-server'], knownAddons(dir))).toEqual(['dashboard', 'metrics-server']);
    const err = (() => { try { validateAddons(['dashbord', 'ingress'], knownAddons(dir)); } catch (e) { return e; } })() as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('unknown addons "dashbord", "ingress"');
    expect(err.fix).toBe('the addons skiff knows: dashboard, metrics-server');
    expect(err.exitCode).toBe(4);
  });

  it('without an addons/ folder nothing can be checked: the names are kept as given', () => {
    expect(knownAddons(join(tmpdir(), 'no-such-skiff-addons'))).toBeUndefined();
    expect(validateAddons(['a', 'b', 'a'], undefined)).toEqual(['a', 'b']);
  });
});
