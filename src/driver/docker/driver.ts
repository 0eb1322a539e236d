// The Docker driver: one bridge network per profile, one container per node, images built
// locally. Every object carries the profile label, so removeProfile finds all of it.
import type Docker from 'dockerode';
import type { BuildContext, Driver, ImageInfo, NetworkInfo, Node, NodeRole, NodeSpec } from '../driver.js';
import { LABEL_NODE, LABEL_PROFILE, LABEL_ROLE, NODE_STATE_DIR, networkName, volumeName } from '../driver.js';
import { DriverError } from '../errors.js';
import { call, connect, isNotFound, messageOf, wrap } from './engine.js';
import { buildDirectory, ensureImage, imageExists, loadImageTar } from './image.js';
import { DockerNode } from './node.js';
import { addressing, firstFreeIp, freeSubnet } from './subnets.js';

const DOCKER_SOCKET = '/var/run/docker.sock';

export class DockerDriver implements Driver {
  readonly name = 'docker';

  constructor(private readonly docker: Docker = connect()) {}

  async ping(): Promise<void> {
    await call('reach the Docker engine', () => this.docker.ping());
  }

  async ensureNetwork(profile: string): Promise<NetworkInfo> {
    const existing = await this.inspectNetwork(profile);
    if (existing) return existing;
    // Two profiles created at once (two `skiff start`s, parallel tests) may pick the same /12: the
    // engine refuses the second, which looks again after a random pause so the racers spread out.
    for (let attempt = 0; attempt < 20; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 50 + Math.random() * 250));
      const taken = await this.takenSubnets();
      const addr = freeSubnet(taken);
      if (!addr) throw new DriverError(`failed to create network ${networkName(profile)}: no free /12 left in 10.0.0.0/8`);
      try {
        await this.docker.createNetwork({
          Name: networkName(profile),
          Driver: 'bridge',
          CheckDuplicate: true,
          Labels: { [LABEL_PROFILE]: profile },
          IPAM: { Driver: 'default', Config: [{ Subnet: addr.subnet, IPRange: addr.ipRange, Gateway: addr.gateway }] },
        });
        return { name: networkName(profile), ...addr };
      } catch (err) {
        const raced = /overlap|already exists/i.test(messageOf(err));
        if (!raced) throw wrap(`create network ${networkName(profile)}`, err);
        const now = await this.inspectNetwork(profile);
        if (now) return now;
      }
    }
    throw new DriverError(`failed to create network ${networkName(profile)}: its subnet kept being taken`);
  }

  async removeNetwork(profile: string): Promise<void> {
    try {
      await this.docker.getNetwork(networkName(profile)).remove();
    } catch (err) {
      if (!isNotFound(err)) throw wrap(`remove network ${networkName(profile)}`, err);
    }
  }

  ensureImage(context: BuildContext): Promise<string> {
    return ensureImage(this.docker, context);
  }

  async createNode(spec: NodeSpec): Promise<Node> {
    const what = `create node ${spec.name}`;
    try {
      const net = await this.ensureNetwork(spec.profile);
      const ip = spec.ip ?? (await this.freeIp(spec.profile, net));
      const labels = { [LABEL_PROFILE]: spec.profile, [LABEL_ROLE]: spec.role, [LABEL_NODE]: spec.name };
      await this.docker.createVolume({ Name: volumeName(spec.name), Labels: labels });
      const container = await this.docker.createContainer(containerOptions(spec, net, ip, labels));
      return new DockerNode(this.docker, container.id, spec.name, spec.profile, spec.role);
    } catch (err) {
      throw wrap(what, err);
    }
  }

  async getNode(profile: string, name: string): Promise<Node | undefined> {
    return (await this.listNodes(profile)).find((n) => n.name === name);
  }

  async listNodes(profile: string): Promise<Node[]> {
    // Pod containers carry the profile and node labels too; only node containers have a role.
    const containers = await call(`list nodes of profile ${profile}`, () =>
      this.docker.listContainers({ all: true, filters: { label: [`${LABEL_PROFILE}=${profile}`, LABEL_ROLE] } }),
    );
    return containers
      .map((c) => new DockerNode(this.docker, c.Id, c.Labels[LABEL_NODE] ?? c.Names[0]!.replace(/^\//, ''), profile, c.Labels[LABEL_ROLE] as NodeRole))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async listProfiles(): Promise<string[]> {
    const filters = { label: [LABEL_PROFILE] };
    const [containers, networks, volumes] = await call('list profiles', () =>
      Promise.all([
        this.docker.listContainers({ all: true, filters }),
        this.docker.listNetworks({ filters }),
        this.docker.listVolumes({ filters }),
      ]),
    );
    const names = [...containers, ...networks, ...(volumes.Volumes ?? [])].map((o) => o.Labels?.[LABEL_PROFILE]);
    return [...new Set(names.filter((n): n is string => !!n))].sort();
  }

  async removeProfile(profile: string): Promise<void> {
    const filters = { label: [`${LABEL_PROFILE}=${profile}`] };
    const what = `remove profile ${profile}`;
    // Containers first: a network or volume in use cannot be removed.
    const containers = await call(what, () => this.docker.listContainers({ all: true, filters }));
    await Promise.all(containers.map((c) => removeQuietly(what, [404, 409], () => this.docker.getContainer(c.Id).remove({ force: true, v: true }))));
    const networks = await call(what, () => this.docker.listNetworks({ filters }));
    await Promise.all(networks.map((n) => removeQuietly(what, [404], () => this.docker.getNetwork(n.Id).remove())));
    const volumes = await call(what, () => this.docker.listVolumes({ filters }));
    await Promise.all((volumes.Volumes ?? []).map((v) => removeQuietly(what, [404], () => this.docker.getVolume(v.Name).remove())));
  }

  async pauseProfile(profile: string): Promise<number> {
    // Pods first, then the nodes: a kubelet is never awake while its pods freeze under it.
    const running = await this.profileContainers(profile, 'running');
    const ordered = [...running.filter((c) => !c.Labels[LABEL_ROLE]), ...running.filter((c) => c.Labels[LABEL_ROLE])];
    for (const c of ordered) await tolerating([409], `pause container ${c.Names[0]}`, () => this.docker.getContainer(c.Id).pause());
    return ordered.length;
  }

  async unpauseProfile(profile: string): Promise<number> {
    const paused = await this.profileContainers(profile, 'paused');
    const ordered = [...paused.filter((c) => c.Labels[LABEL_ROLE]), ...paused.filter((c) => !c.Labels[LABEL_ROLE])];
    for (const c of ordered) await tolerating([409], `unpause container ${c.Names[0]}`, () => this.docker.getContainer(c.Id).unpause());
    return ordered.length;
  }

  async removeNodeWorkloads(profile: string, node: string): Promise<void> {
    const what = `remove the pods of node ${node}`;
    const filters = { label: [`${LABEL_PROFILE}=${profile}`, `${LABEL_NODE}=${node}`] };
    const containers = (await call(what, () => this.docker.listContainers({ all: true, filters }))).filter((c) => !c.Labels[LABEL_ROLE]);
    await Promise.all(containers.map((c) => removeQuietly(what, [404, 409], () => this.docker.getContainer(c.Id).remove({ force: true, v: true }))));
    const volumes = (await call(what, () => this.docker.listVolumes({ filters }))).Volumes ?? [];
    await Promise.all(volumes.filter((v) => v.Name !== volumeName(node)).map((v) => removeQuietly(what, [404], () => this.docker.getVolume(v.Name).remove())));
  }

  hasImage(ref: string): Promise<boolean> {
    return imageExists(this.docker, ref);
  }

  async listImages(): Promise<ImageInfo[]> {
    const images = await call('list images', () => this.docker.listImages());
    return images.map((i) => ({
      id: i.Id,
      repoTags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
      repoDigests: (i.RepoDigests ?? []).filter((d) => !d.startsWith('<none>')),
      size: i.Size,
      created: i.Created,
    }));
  }

  loadImage(tar: NodeJS.ReadableStream): Promise<string[]> {
    return loadImageTar(this.docker, tar);
  }

  buildImage(dir: string, tag: string, onOutput: (line: string) => void): Promise<void> {
    return buildDirectory(this.docker, dir, tag, onOutput);
  }

  async removeImage(ref: string): Promise<void> {
    await call(`remove image ${ref}`, () => this.docker.getImage(ref).remove());
  }

  private profileContainers(profile: string, status: 'running' | 'paused'): Promise<Docker.ContainerInfo[]> {
    return call(`list the containers of profile ${profile}`, () =>
      this.docker.listContainers({ all: true, filters: { label: [`${LABEL_PROFILE}=${profile}`], status: [status] } }),
    );
  }

  private async inspectNetwork(profile: string): Promise<NetworkInfo | undefined> {
    try {
      const info = await this.docker.getNetwork(networkName(profile)).inspect();
      const cfg = info.IPAM?.Config?.[0];
      if (!cfg?.Subnet) throw new Error(`network ${info.Name} has no IPv4 subnet`);
      const planned = addressing(cfg.Subnet);
      return { name: info.Name, subnet: cfg.Subnet, ipRange: cfg.IPRange ?? planned.ipRange, gateway: cfg.Gateway ?? planned.gateway };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw wrap(`inspect network ${networkName(profile)}`, err);
    }
  }

  private async takenSubnets(): Promise<string[]> {
    const networks = await call('list networks', () => this.docker.listNetworks());
    return networks.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? '')).filter(Boolean);
  }

  /** The first address after the gateway that no container of the profile holds or will get back. */
  private async freeIp(profile: string, net: NetworkInfo): Promise<string> {
    const taken = new Set<string>([net.gateway]);
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL_PROFILE}=${profile}`] } });
    for (const c of containers) {
      const ep = c.NetworkSettings?.Networks?.[net.name];
      for (const ip of [ep?.IPAMConfig?.IPv4Address, ep?.IPAddress]) if (ip) taken.add(ip);
    }
    // Containers skiff did not label can sit on the network too.
    const live = await this.docker.getNetwork(net.name).inspect();
    for (const c of Object.values<{ IPv4Address?: string }>(live.Containers ?? {})) if (c.IPv4Address) taken.add(c.IPv4Address.split('/')[0]!);
    const ip = firstFreeIp(net.ipRange, taken);
    if (!ip) throw new Error(`no free address left in ${net.ipRange}`);
    return ip;
  }
}

function containerOptions(spec: NodeSpec, net: NetworkInfo, ip: string, labels: Record<string, string>): Docker.ContainerCreateOptions {
  const ports = spec.publish ?? [];
  const binds = [`${volumeName(spec.name)}:${NODE_STATE_DIR}`];
  if (spec.dockerSocket !== false) binds.push(`${DOCKER_SOCKET}:${DOCKER_SOCKET}`);
  return {
    name: spec.name,
    Hostname: spec.name,
    Image: spec.image,
    Cmd: spec.command,
    Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
    Labels: labels,
    ExposedPorts: Object.fromEntries(ports.map((p) => [`${p}/tcp`, {}])),
    HostConfig: {
      Binds: binds,
      // HostPort '' lets the engine pick a free port; only 127.0.0.1 so nothing is exposed off the host.
      PortBindings: Object.fromEntries(ports.map((p) => [`${p}/tcp`, [{ HostIp: '127.0.0.1', HostPort: '' }]])),
      CapAdd: spec.netAdmin ? ['NET_ADMIN'] : [],
      NanoCpus: spec.cpus ? Math.round(spec.cpus * 1e9) : undefined,
      Memory: spec.memoryBytes,
      // docker-init reaps zombies and forwards signals, which a Node.js PID 1 does not.
      Init: true,
      // A node process that crashes comes back once by itself (kind's policy); `skiff stop` is no failure.
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 1 },
      NetworkMode: net.name,
    },
    NetworkingConfig: {
      EndpointsConfig: { [net.name]: { IPAMConfig: { IPv4Address: ip }, Aliases: [spec.name] } },
    },
  };
}

/** Runs an engine call for which `ok` statuses (409: already paused, already running) are no failure. */
async function tolerating(ok: number[], what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!ok.includes((err as { statusCode?: number }).statusCode ?? 0)) throw wrap(what, err);
  }
}

/** `gone` lists the statuses that mean it is already gone or going (a container's 409: removal in progress). */
async function removeQuietly(what: string, gone: number[], fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (gone.includes((err as { statusCode?: number }).statusCode ?? 0)) return;
    throw wrap(what, err);
  }
}
