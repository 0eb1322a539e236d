// The Kubernetes version skiff's API speaks (what /version and `skiff version` report).
export const KUBERNETES_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0-skiff' };
export const SKIFF_VERSION = '0.1.0';
