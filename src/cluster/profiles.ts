// Profiles: one cluster's record, kept as $SKIFF_HOME/profiles/<name>/config.json (minikube's
// layout), through conf so every write is atomic (temporary file + rename); every read is checked.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { ExitCode, UserError } from './errors.js';

export const DEFAULT_PROFILE = 'skiff';

/** Longest profile name: node names add "-mNN", and those must stay valid 63-character DNS labels. */
export const MAX_PROFILE_NAME = 59;

export type NodeRole = 'control-plane' | 'worker';
export type StatusHint = 'Running' | 'Stopped' | 'Paused';

export interface ProfileNode {
  name: string;
  role: NodeRole;
  ip: string;
}

export interface Profile {
  name: string;
  driver: 'docker';
  nodes: ProfileNode[];
  apiServer: { hostPort: number };
  kubernetesVersion: string;
  /** Addon name → enabled, as minikube records them (a disabled default stays disabled on restart). */
  addons: Record<string, boolean>;
  /** ISO 8601. */
  createdAt: string;
  cpus?: number;
  memoryMiB?: number;
  /** What skiff last saw, so `profile list` can answer without asking Docker; the driver has the truth. */
  status?: { lastKnown: StatusHint; at: string };
}

export interface InvalidProfile {
  name: string;
  reason: string;
}

/** skiff's state directory: $SKIFF_HOME, else ~/.skiff. Read on every call so tests can point it elsewhere. */
export function skiffHome(): string {
  const fromEnv = process.env.SKIFF_HOME;
  return fromEnv && fromEnv.length > 0 ? fromEnv : join(homedir(), '.skiff');
}

function profilesDir(): string {
  return join(skiffHome(), 'profiles');
}

/** The profile's own directory; other state of the profile (certificates, logs) belongs here too. */
export function profileDir(name: string): string {
  return join(profilesDir(), name);
}

const NAME_RE = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Why `name` cannot name a profile, or undefined when it can. */
export function profileNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > MAX_PROFILE_NAME) return `it is longer than ${MAX_PROFILE_NAME} characters`;
  if (!NAME_RE.test(name)) return 'it must be lower-case letters, digits and "-", start with a letter and not end with "-"';
  return undefined;
}

/** Profile names become Docker container, network and DNS names: hold them to the strictest of those rules. */
export function validateProfileName(name: string): string {
  const problem = profileNameProblem(name);
  if (problem) {
    throw new UserError(`invalid profile name "${name}": ${problem}`, `pick a name such as "${suggestName(name)}" and pass it with -p`, ExitCode.usage);
  }
  return name;
}

function suggestName(name: string): string {
  const cleaned = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, MAX_PROFILE_NAME).replace(/-+$/, '');
  return cleaned.length > 0 ? cleaned : 'dev';
}

const REQUIRED: (keyof Profile)[] = ['name', 'driver', 'nodes', 'apiServer', 'kubernetesVersion', 'addons', 'createdAt'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function nodeProblem(n: unknown, i: number): string | undefined {
  if (!isObject(n) || typeof n.name !== 'string' || typeof n.ip !== 'string') return `nodes[${i}] needs a name and an ip`;
  if (n.role !== 'control-plane' && n.role !== 'worker') return `nodes[${i}].role is neither control-plane nor worker`;
  return undefined;
}

/**
 * What is wrong with a stored record, or undefined. Checked by hand rather than with conf's JSON
 * schema: conf compiles the schema with ajv on every construction, about 110 ms each, which would
 * make `profile list` slow in proportion to the number of profiles.
 */
export function profileProblem(data: Record<string, unknown>): string | undefined {
  const missing = REQUIRED.filter((k) => !(k in data));
  if (missing.length > 0) return `missing ${missing.join(', ')}`;
  if (data.driver !== 'docker') return `driver "${String(data.driver)}" is not docker`;
  if (!Array.isArray(data.nodes)) return 'nodes is not a list';
  const bad = data.nodes.map(nodeProblem).find((p) => p !== undefined);
  if (bad) return bad;
  if (!isObject(data.apiServer) || !Number.isInteger(data.apiServer.hostPort)) return 'apiServer.hostPort is not a port';
  if (typeof data.kubernetesVersion !== 'string' || typeof data.createdAt !== 'string') return 'kubernetesVersion and createdAt must be text';
  if (!isObject(data.addons) || !Object.values(data.addons).every((v) => typeof v === 'boolean')) return 'addons is not a map of name to true/false';
  return undefined;
}

function store(name: string): Conf<Record<string, unknown>> {
  return new Conf<Record<string, unknown>>({
    cwd: profileDir(name),
    configName: 'config',
    // Keys are plain words; dots would otherwise turn into nesting.
    accessPropertiesByDotNotation: false,
    // The record names the API server's port and, later, may hold more: keep it to the user.
    configFileMode: 0o600,
  });
}

function configPath(name: string): string {
  return join(profileDir(name), 'config.json');
}

export function profileExists(name: string): boolean {
  return profileNameProblem(name) === undefined && existsSync(configPath(name));
}

/** Reads a profile that exists on disk; a malformed file is a configInvalid error. */
function readProfile(name: string): Profile {
  let data: Record<string, unknown>;
  try {
    data = store(name).store;
  } catch (err) {
    throw invalid(name, err instanceof Error ? err.message : String(err));
  }
  const problem = profileProblem(data);
  if (problem) throw invalid(name, problem);
  if (data.name !== name) throw invalid(name, `it names profile "${String(data.name)}"`);
  return data as unknown as Profile;
}

function invalid(name: string, reason: string): UserError {
  return new UserError(`profile "${name}" is invalid (${configPath(name)}): ${reason}`, `remove it with \`skiff delete -p ${name}\` and start it again`, ExitCode.configInvalid);
}

export function loadProfile(name: string): Profile {
  validateProfileName(name);
  if (!existsSync(configPath(name))) {
    throw new UserError(`profile "${name}" not found`, `create it with \`skiff start -p ${name}\`, or see \`skiff profile list\``, ExitCode.notFound);
  }
  return readProfile(name);
}

/** Writes the whole record (conf writes a temporary file and renames it). */
export function saveProfile(profile: Profile): void {
  validateProfileName(profile.name);
  // A record that would not read back is a bug in the caller, not the user's to fix.
  const problem = profileProblem(profile as unknown as Record<string, unknown>);
  if (problem) throw new Error(`saveProfile: profile "${profile.name}" is malformed: ${problem}`);
  store(profile.name).store = JSON.parse(JSON.stringify(profile)) as Record<string, unknown>;
}

/** Removes the profile's directory; false when there was none (deleting twice is not an error, as in minikube). */
export function deleteProfile(name: string): boolean {
  validateProfileName(name);
  const dir = profileDir(name);
  if (!existsSync(dir)) return false;
  rmSync(dir, { recursive: true, force: true });
  return true;
}

/** Every profile directory, sorted by name: the readable ones, and the broken ones with why (minikube shows both). */
export function listProfiles(): { valid: Profile[]; invalid: InvalidProfile[] } {
  const dir = profilesDir();
  const valid: Profile[] = [];
  const invalidOnes: InvalidProfile[] = [];
  if (!existsSync(dir)) return { valid, invalid: invalidOnes };
  const names = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  for (const name of names) {
    const problem = profileNameProblem(name) ?? (existsSync(configPath(name)) ? undefined : 'it has no config.json');
    if (problem) {
      invalidOnes.push({ name, reason: problem });
      continue;
    }
    try {
      valid.push(readProfile(name));
    } catch (err) {
      invalidOnes.push({ name, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return { valid, invalid: invalidOnes };
}
