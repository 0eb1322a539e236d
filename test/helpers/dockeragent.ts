// A control plane on the host plus one `skiff agent --runtime docker` node on its own profile
// network, the set-up the Docker runtime's e2e files share. Registers beforeAll/afterAll: the
// node is Ready before the file's own beforeAll runs, and everything labelled with the profile
// (pod containers, volumes, the network) is removed afterwards, even when a test failed, and
// checked to be gone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { DockerDriver } from '../../src/driver/docker/driver.js';
import { ensureBuilt, prepareSandboxImage } from '../../src/driver/docker/nodeimage.js';
import { AgentProcess } from './agent.js';
import { docker, labelled, requireDocker, uniqueProfile } from './docker.js';
import { ensureBusyboxImage } from './images.js';
import type { KubectlVersion, Kubectl } from './kubectl.js';
import { eventually, useControlPlane, type Suite } from './suite.js';

export interface DockerAgentSuite {
  readonly suite: Suite;
  readonly driver: DockerDriver;
  readonly profile: string;
  /** The node's name: `<profile>-node`. */
  readonly node: string;
  kubectl(version?: KubectlVersion): Kubectl;
  /** The busybox workload image (test/helpers/images.ts). */
  readonly image: string;
  /** The agent's output so far (every agent process's, in order), for failure messages. */
  agentOutput(): string;
  /** Kills the agent process (SIGKILL by PID, as a crash): its pod containers run on. */
  killAgent(): Promise<void>;
  /** Starts a new agent process with the same flags; resolves once it has registered the node. */
  startAgent(): Promise<void>;
  /** killAgent, then startAgent. */
  restartAgent(): Promise<void>;
}

export function useDockerAgent(prefix: string): DockerAgentSuite {
  const driver = new DockerDriver();
  const profile = uniqueProfile(prefix);
  const node = `${profile}-node`;
  const dir = mkdtempSync(join(tmpdir(), `skiff-${prefix}-`));
  const nodeKubeconfig = join(dir, 'node-kubeconfig');
  const suite = useControlPlane({ extraArgs: ['--node-kubeconfig-out', nodeKubeconfig] });
  let agent: AgentProcess | undefined;
  let agentArgs: string[] = [];
  let earlierOutput = '';
  let image = '';
  const bootID = async (): Promise<string> =>
    String(JSON.parse(await suite.kubectl('1.32').ok(['get', 'node', node, '-o', 'json'])).status?.nodeInfo?.bootID ?? '');

  beforeAll(async () => {
    await requireDocker(driver);
    const network = await driver.ensureNetwork(profile);
    const [sandbox, busybox] = await Promise.all([ensureBuilt(driver, prepareSandboxImage), ensureBusyboxImage(driver)]);
    image = busybox;
    // Pods take /24s from the second /16 of the node range (10.101.0.0/16 for the first profile).
    const [a, b] = network.ipRange.split('.');
    agentArgs = [
      '--kubeconfig', nodeKubeconfig, '--node-name', node, '--runtime', 'docker',
      '--profile', profile, '--sandbox-image', sandbox, '--cluster-cidr', `${a}.${Number(b) + 1}.0.0/16`,
      // Other e2e files run agents at the same time: the kubelet server takes any free port.
      '--kubelet-port', '0',
    ];
    agent = new AgentProcess(agentArgs);
    await eventually(async () => {
      const status = JSON.parse(await suite.kubectl('1.32').ok(['get', 'node', node, '-o', 'json'])).status;
      expect(status.conditions.find((c: { type: string }) => c.type === 'Ready')?.status).toBe('True');
    }, 30_000, 250).catch((err) => { throw new Error(`${err}\nagent:\n${agent?.output}`); });
  }, 300_000);

  afterAll(async () => {
    await agent?.stop();
    const ids = (await docker('ps', '-aq', '--filter', `label=skiff.dev/profile=${profile}`)).split('\n').filter(Boolean);
    if (ids.length) await docker('rm', '-f', ...ids);
    // removeProfile takes the pods' volumes too, hostPath ones included (labelled with the profile).
    await driver.removeProfile(profile);
    rmSync(dir, { recursive: true, force: true });
    expect(await labelled(profile)).toEqual({ containers: [], networks: [], volumes: [] });
  }, 60_000);

  return {
    suite, driver, profile, node,
    kubectl: (version: KubectlVersion = '1.32') => suite.kubectl(version),
    get image() {
      return image;
    },
    agentOutput: () => earlierOutput + (agent?.output ?? ''),
    killAgent,
    startAgent,
    async restartAgent() {
      await killAgent();
      await startAgent();
    },
  };

  async function killAgent(): Promise<void> {
    await agent?.kill();
    earlierOutput += `${agent?.output ?? ''}--- agent killed ---\n`;
    agent = undefined;
  }

  async function startAgent(): Promise<void> {
    const before = await bootID();
    agent = new AgentProcess(agentArgs);
    // Each agent process has its own bootID: the node shows the new one once it registered.
    await eventually(async () => {
      expect(await bootID()).not.toBe(before);
    }, 30_000, 250).catch((err) => { throw new Error(`${err}\nagent:\n${agent?.output}`); });
  }
}
