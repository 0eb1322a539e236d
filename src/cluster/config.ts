// `skiff config`: persistent defaults for flags (minikube's `config set|get|unset|view`), kept in
// $SKIFF_HOME/config/config.json through conf. Values are stored already parsed (memory in MiB,
// addons as a list), so `start` reads them with no second parser.
import { join } from 'node:path';
import Conf from 'conf';
import { CONFIG_KEY_DESCRIPTIONS as D, type ConfigKey } from './configkeys.js';
import { ExitCode, UserError } from './errors.js';
import { profileNameProblem, skiffHome } from './profiles.js';

export type ConfigValue = string | number | string[];

interface KeySpec {
  description: string;
  /** Turns what the user typed into the stored value, or throws a UserError saying what is accepted. */
  parse(raw: string): ConfigValue;
}

function bad(key: string, raw: string, accepted: string): UserError {
  return new UserError(`invalid value "${raw}" for ${key}`, `give ${accepted}`, ExitCode.usage);
}

function intAtLeast(key: string, min: number): KeySpec['parse'] {
  return (raw) => {
    if (!/^\d+$/.test(raw.trim()) || Number(raw) < min) throw bad(key, raw, `a whole number of at least ${min}`);
    return Number(raw);
  };
}

const BINARY_UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/**
 * Sizes as minikube's --memory and --disk-size take them: a bare number is MiB; a unit suffix
 * (b, k, m, g, t, optionally followed by "b", "i" or "ib") is binary, as Docker's RAMInBytes reads it.
 * Returns whole MiB, undefined when the text is no size or is under 1 MiB.
 */
export function parseSizeMiB(raw: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(?:([bkmgt])(?:i?b)?)?$/i.exec(raw.trim());
  if (!m) return undefined;
  const unit = m[2]?.toLowerCase();
  const mib = unit === undefined ? Number(m[1]) : (Number(m[1]) * BINARY_UNITS[unit]!) / 1024 ** 2;
  if (!Number.isFinite(mib) || mib < 1) return undefined;
  return Math.floor(mib);
}

function size(key: string): KeySpec['parse'] {
  return (raw) => {
    const mib = parseSizeMiB(raw);
    if (mib === undefined) throw bad(key, raw, 'a size such as 4g, 4096mb or 4096 (MiB)');
    return mib;
  };
}

/** "v1.32.0", "1.32.0" or the aliases stable/latest; stored with its "v", as Kubernetes spells versions. */
export function parseKubernetesVersion(raw: string): string {
  const v = raw.trim();
  if (v === 'stable' || v === 'latest') return v;
  if (!/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(v)) throw bad('kubernetes-version', raw, 'a version such as v1.32.0, or stable');
  return v.startsWith('v') ? v : `v${v}`;
}

/** Addon names as a comma list; the addon registry, not this file, knows which exist. */
function addonList(raw: string): string[] {
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const wrong = names.find((n) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(n));
  if (wrong !== undefined) throw bad('addons', raw, 'addon names separated by commas, such as dashboard,metrics-server');
  return [...new Set(names)];
}

// Every key of configkeys.ts, no other (satisfies checks both): `skiff config --help` lists those.
export const CONFIG_KEYS: Record<string, KeySpec> = {
  cpus: { description: D.cpus, parse: intAtLeast('cpus', 1) },
  memory: { description: D.memory, parse: size('memory') },
  'disk-size': { description: D['disk-size'], parse: size('disk-size') },
  nodes: { description: D.nodes, parse: intAtLeast('nodes', 1) },
  driver: {
    description: D.driver,
    parse: (raw) => {
      if (raw.trim() !== 'docker') throw bad('driver', raw, '"docker", the only driver skiff has');
      return 'docker';
    },
  },
  'kubernetes-version': { description: D['kubernetes-version'], parse: parseKubernetesVersion },
  profile: {
    description: D.profile,
    parse: (raw) => {
      const problem = profileNameProblem(raw.trim());
      if (problem) throw bad('profile', raw, `a profile name (${problem})`);
      return raw.trim();
    },
  },
  addons: { description: D.addons, parse: addonList },
} satisfies Record<ConfigKey, KeySpec>;

function validKeysHint(): string {
  return `valid keys: ${Object.keys(CONFIG_KEYS).join(', ')}`;
}

function checkKey(key: string): KeySpec {
  const spec = Object.hasOwn(CONFIG_KEYS, key) ? CONFIG_KEYS[key] : undefined;
  if (!spec) throw new UserError(`unknown config key "${key}"`, validKeysHint(), ExitCode.usage);
  return spec;
}

function store(): Conf<Record<string, ConfigValue>> {
  try {
    return new Conf<Record<string, ConfigValue>>({ cwd: join(skiffHome(), 'config'), configName: 'config', accessPropertiesByDotNotation: false });
  } catch (err) {
    throw new UserError(
      `skiff's config file ${configFilePath()} cannot be read: ${err instanceof Error ? err.message : String(err)}`,
      'fix the JSON by hand, or remove the file to start over',
      ExitCode.configInvalid,
    );
  }
}

export function configFilePath(): string {
  return join(skiffHome(), 'config', 'config.json');
}

/** Parses and stores one value; returns what was stored. */
export function setConfig(key: string, raw: string): ConfigValue {
  const value = checkKey(key).parse(raw);
  store().set(key, value);
  return value;
}

export function getConfig(key: string): ConfigValue | undefined {
  checkKey(key);
  return store().get(key);
}

/** Removes the key; unsetting what was never set is fine, as in minikube. */
export function unsetConfig(key: string): void {
  checkKey(key);
  store().delete(key);
}

/** Every stored key, sorted; keys written by a newer skiff are shown as they are. */
export function viewConfig(): Record<string, ConfigValue> {
  const all = store().store;
  return Object.fromEntries(Object.keys(all).sort().map((k) => [k, all[k]!]));
}

/** How `config get` and `config view` print a value: lists comma separated, as they were given. */
export function formatConfigValue(value: ConfigValue): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}
