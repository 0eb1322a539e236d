// `skiff config`'s keys and what each holds, apart from config.ts (which loads conf) so that
// registering the CLI can list them in `skiff config --help` without loading it.
export const CONFIG_KEY_DESCRIPTIONS = {
  cpus: 'CPUs for each node (whole number, at least 1)',
  memory: 'memory for each node: 4g, 4096mb or MiB',
  'disk-size': 'disk size for each node: 20g, 20480mb or MiB',
  nodes: 'number of nodes `start` creates (at least 1)',
  driver: 'the driver that makes nodes (docker)',
  'kubernetes-version': 'Kubernetes version to report (v1.32.0, stable)',
  profile: 'profile commands use when -p is not given',
  addons: 'addons `start` enables, comma separated',
} as const;

export type ConfigKey = keyof typeof CONFIG_KEY_DESCRIPTIONS;
