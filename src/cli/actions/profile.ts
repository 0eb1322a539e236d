// `skiff profile list [-o json]`'s action: every profile, minikube's columns, the active one marked.
// Loaded only when the command runs (../commands/profile.ts registers it).
import { profileStatus } from '../../cluster/lifecycle.js';
import { DockerDriver } from '../../driver/docker/driver.js';
import { listProfiles, type InvalidProfile, type Profile } from '../../cluster/profiles.js';
import { formatTable, outputFormat } from '../output/format.js';
import { activeProfileName } from './activeprofile.js';

/** How a profile's live status is found: by default, asking the Docker engine (Unknown when it cannot answer). */
export type StatusOf = (profile: Profile) => Promise<string>;
export const liveStatus: StatusOf = (profile) => profileStatus(new DockerDriver(), profile.name);

export interface ProfileRow {
  profile: Profile;
  status: string;
  active: boolean;
}

export async function profileRows(profiles: Profile[], statusOf: StatusOf, active: string): Promise<ProfileRow[]> {
  return Promise.all(profiles.map(async (profile) => ({ profile, status: await statusOf(profile), active: profile.name === active })));
}

function controlPlaneIp(p: Profile): string {
  return p.nodes.find((n) => n.role === 'control-plane')?.ip ?? '';
}

export function renderProfileTable(rows: ProfileRow[]): string {
  return formatTable(
    ['NAME', 'DRIVER', 'IP', 'PORT', 'VERSION', 'STATUS', 'NODES', 'ACTIVE'],
    rows.map(({ profile: p, status, active }) => [
      p.name, p.driver, controlPlaneIp(p), String(p.apiServer.hostPort), p.kubernetesVersion, status, String(p.nodes.length), active ? '*' : '',
    ]),
  );
}

/** minikube's shape: {valid: [...], invalid: [...]}, each valid profile with its status and whether it is active. */
export function renderProfileJson(rows: ProfileRow[], invalid: InvalidProfile[]): string {
  const valid = rows.map(({ profile, status, active }) => ({ ...profile, status, active }));
  return `${JSON.stringify({ valid, invalid })}\n`;
}

/** Broken profiles go to stderr with the fix, so the table on stdout stays parseable. */
function warnInvalid(invalid: InvalidProfile[]): string {
  return invalid.map((p) => `! profile "${p.name}" is invalid: ${p.reason}\n  remove it with \`skiff delete -p ${p.name}\`\n`).join('');
}

export async function runProfileList(flags: { output?: string }, statusOf: StatusOf = liveStatus): Promise<{ stdout: string; stderr: string }> {
  const format = outputFormat(flags.output, ['table', 'json'] as const);
  const { valid, invalid } = listProfiles();
  const rows = await profileRows(valid, statusOf, activeProfileName());
  if (format === 'json') return { stdout: renderProfileJson(rows, invalid), stderr: '' };
  const none = valid.length === 0 ? 'No profiles found. Create one with `skiff start`.\n' : '';
  return { stdout: valid.length > 0 ? renderProfileTable(rows) : '', stderr: none + warnInvalid(invalid) };
}
