// TEMPORARY scratch harness (removed before the report).
import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { DockerDriver } from '../../src/driver/docker/driver.js';
import { ensureBuilt, prepareSandboxImage } from '../../src/driver/docker/nodeimage.js';
import { AgentProcess } from '../helpers/agent.js';
import { docker, uniqueProfile } from '../helpers/docker.js';
import { ensureBusyboxImage } from '../helpers/images.js';
import { startControlPlane } from '../helpers/controlplane.js';
import { existsSync } from 'node:fs';

it('scratch', async () => {
  const driver = new DockerDriver();
  const profile = uniqueProfile('zz');
  const cp = await startControlPlane({ extraArgs: ['--node-kubeconfig-out', '/tmp/zz-node-kubeconfig'] });
  const network = await driver.ensureNetwork(profile);
  const [sandbox, busybox] = await Promise.all([ensureBuilt(driver, prepareSandboxImage), ensureBusyboxImage(driver)]);
  const [a, b] = network.ipRange.split('.');
  let agent = new AgentProcess(['--kubeconfig', '/tmp/zz-node-kubeconfig', '--node-name', `${profile}-node`, '--runtime', 'docker', '--profile', profile, '--sandbox-image', sandbox, '--cluster-cidr', `${a}.${Number(b) + 1}.0.0/16`, '--kubelet-port', '0']);
  writeFileSync('/tmp/zz-env', `KCFG=${cp.kubeconfig}\nIMAGE=${busybox}\n`);
  const restartFlag = '/tmp/zz-restart-agent';
  while (!existsSync('/tmp/zz-stop')) {
    await new Promise((r) => setTimeout(r, 500));
    if (existsSync(restartFlag)) {
      await agent.stop();
      writeFileSync('/tmp/zz-agent-old.log', agent.output);
      (await import('node:fs')).rmSync(restartFlag);
      agent = new AgentProcess(['--kubeconfig', '/tmp/zz-node-kubeconfig', '--node-name', `${profile}-node`, '--runtime', 'docker', '--profile', profile, '--sandbox-image', sandbox, '--cluster-cidr', `${a}.${Number(b) + 1}.0.0/16`, '--kubelet-port', '0']);
    }
    writeFileSync('/tmp/zz-agent.log', agent.output);
  }
  await agent.stop();
  const ids = (await docker('ps', '-aq', '--filter', `label=skiff.dev/profile=${profile}`)).split('\n').filter(Boolean);
  if (ids.length) await docker('rm', '-f', ...ids);
  await driver.removeProfile(profile);
  await cp.dispose();
}, 3_600_000);
