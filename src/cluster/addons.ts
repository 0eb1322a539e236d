// Addon names `start --addons` accepts. The addons themselves are the next issue; until they
// arrive, start records the wish in the profile (addons: {name: true}) and says so.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, UserError } from './errors.js';

/** The project's addons/ folder: one entry (a directory or a manifest file) per addon. */
export const ADDONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../addons');

/** The known addon names, or undefined when there is no addons/ folder to know them from. */
export function knownAddons(dir = ADDONS_DIR): string[] | undefined {
  if (!existsSync(dir)) return undefined;
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && e.name !== 'README.md')
    .map((e) => (e.isDirectory() ? e.name : e.name.replace(/\.(ya?ml|json|ts|js)$/, '')));
  return [...new Set(names)].sort();
}

/** Checks the names against the known ones; returns them deduplicated, in the order given. */
export function validateAddons(names: string[], known = knownAddons()): string[] {
  const wanted = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
  if (known === undefined) return wanted;
  const unknown = wanted.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new UserError(
      `unknown addon${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}`,
      known.length > 0 ? `the addons skiff knows: ${known.join(', ')}` : 'skiff has no addons yet',
      ExitCode.notFound,
    );
  }
  return wanted;
}
