import { describe, expect, it } from 'vitest';
import { UserError } from './errors.js';
import { forwardsOf, serviceRow } from './services.js';

const svc = (type: string, ports: object[]) => ({ metadata: { name: 'web', namespace: 'shop' }, spec: { type, ports } });

describe('skiff service', () => {
  it('forwards each TCP node port to the node, skipping UDP', () => {
    const s = svc('NodePort', [{ name: 'http', port: 80, nodePort: 31000 }, { name: 'dns', port: 53, protocol: 'UDP', nodePort: 31001 }, { port: 443, protocol: 'TCP', nodePort: 31002 }]);
    expect(forwardsOf(s, '10.100.0.2', 'dev')).toEqual([
      { name: 'http', port: 80, nodePort: 31000, target: '10.100.0.2:31000', hostPort: 0 },
      { name: '', port: 443, nodePort: 31002, target: '10.100.0.2:31002', hostPort: 0 },
    ]);
    expect(forwardsOf(svc('LoadBalancer', [{ port: 80, nodePort: 30080 }]), '10.1.0.2', 'dev')).toHaveLength(1);
  });

  it('refuses a ClusterIP Service with minikube\'s words and the kubectl expose fix', () => {
    const err = (() => { try { forwardsOf(svc('ClusterIP', [{ port: 80 }]), '10.1.0.2', 'dev'); } catch (e) { return e; } })() as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('service shop/web is not a NodePort service (its type is ClusterIP)');
    expect(err.fix).toMatch(/kubectl expose deployment web -n shop --type=NodePort/);
  });

  it('lists the host proxy\'s URL when one serves the port, else the node\'s address', () => {
    const s = svc('NodePort', [{ name: 'http', port: 80, nodePort: 31000 }, { port: 81, nodePort: 31001 }]);
    const proxy = { pid: 1, namespace: 'shop', service: 'web', startedAt: '', forwards: [{ name: 'http', port: 80, nodePort: 31000, target: '10.1.0.2:31000', hostPort: 40000 }] };
    expect(serviceRow(s, '10.1.0.2', [proxy])).toEqual({ namespace: 'shop', name: 'web', targetPort: 'http/80 81', urls: ['http://127.0.0.1:40000', 'http://10.1.0.2:31001'] });
    expect(serviceRow(svc('ClusterIP', [{ port: 80 }]), '10.1.0.2', [])).toEqual({ namespace: 'shop', name: 'web', targetPort: 'No node port', urls: [] });
  });
});
