// What the host side (`skiff start`, status, node add) shares with the node process, apart from
// nodeprocess.ts so that reading these constants does not load the control plane and the kubelet.
import { join } from 'node:path';
import { NODE_STATE_DIR } from '../driver/driver.js';

export const API_SERVER_PORT = 6443;
/** Files the control-plane node leaves in its state volume for `skiff start` to read. */
export const ADMIN_KUBECONFIG = join(NODE_STATE_DIR, 'admin.kubeconfig');
export const NODE_KUBECONFIG = join(NODE_STATE_DIR, 'node.kubeconfig');
/** The environment variable a worker container gets its node kubeconfig in (base64). */
export const NODE_KUBECONFIG_ENV = 'SKIFF_NODE_KUBECONFIG';
