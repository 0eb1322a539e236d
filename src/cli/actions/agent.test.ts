import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { agentOptions, type AgentFlags } from './agent.js';
import { nodeNames } from '../../kubelet/agent.js';

const dir = mkdtempSync(join(tmpdir(), 'skiff-agent-cli-'));
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(kubeconfig, 'apiVersion: v1\n');

function flags(extra: Partial<AgentFlags> = {}): AgentFlags {
  return { kubeconfig, nodeName: 'n1', runtime: 'fake', cpu: '4', memory: '8Gi', pods: '110', ephemeralStorage: '100Gi', clusterDns: '10.96.0.10', ...extra };
}

describe('skiff agent flags', () => {
  it('turns flags into options', () => {
    expect(agentOptions(flags({ count: '3', nodeLabels: 'a=b', registerWithTaints: 'k=v:NoSchedule' }))).toMatchObject({
      kubeconfig, nodeName: 'n1', runtime: 'fake', count: 3, cpu: '4', memory: '8Gi', pods: 110,
      labels: { a: 'b' }, taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }],
    });
  });

  it('gives the docker runtime its profile network, sandbox image and node container', () => {
    expect(agentOptions(flags({ runtime: 'docker', profile: 'dev', sandboxImage: 'skiff-sandbox:abc', clusterCidr: '10.101.0.0/16' }))).toMatchObject({
      runtime: 'docker',
      clusterCidr: '10.101.0.0/16',
      dockerFlags: { profile: 'dev', network: 'skiff-dev', sandboxImage: 'skiff-sandbox:abc', nodeContainerId: 'n1', clusterDns: '10.96.0.10' },
    });
  });

  it.each([
    [{ runtime: 'podman' }, /unknown runtime "podman"/],
    [{ runtime: 'docker' }, /--runtime docker needs --profile/],
    [{ runtime: 'docker', profile: 'p' }, /--runtime docker needs --sandbox-image/],
    [{ runtime: 'docker', profile: 'p', sandboxImage: 's:1', count: '2' }, /--count runs hollow nodes/],
    [{ clusterCidr: '10.101.0.0' }, /invalid IPv4 CIDR/],
    [{ cpu: 'lots' }, /invalid --cpu "lots"/],
    [{ memory: '-1Gi' }, /invalid --memory/],
    [{ pods: '0' }, /invalid --pods/],
    [{ count: 'x' }, /invalid --count/],
    [{ nodeName: 'Bad_Name' }, /invalid --node-name/],
    [{ podCidr: '10.0.0.0' }, /invalid IPv4 CIDR/],
    [{ podCidr: '10.0.0.0/24', count: '2' }, /--pod-cidr cannot be combined with --count/],
    [{ kubeconfig: join(dir, 'missing') }, /does not exist/],
    [{ registerWithTaints: 'nope' }, /invalid taint/],
  ])('rejects %j with a fix', (extra, message) => {
    let err: unknown;
    try {
      agentOptions(flags(extra as Partial<AgentFlags>));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(message);
    expect((err as UserError).fix).toBeTruthy();
  });

  it('names hollow nodes NAME-0 … NAME-N-1', () => {
    expect(nodeNames('n')).toEqual(['n']);
    expect(nodeNames('n', 1)).toEqual(['n-0']);
    expect(nodeNames('hollow', 3)).toEqual(['hollow-0', 'hollow-1', 'hollow-2']);
  });
});
