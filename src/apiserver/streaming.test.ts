import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { chooseContainer, kubeletLocation, kubeletPath, nodeProxyTarget, podProxyTarget, proxiedPath, serviceProxyTarget, splitSchemeNamePort } from './streaming.js';

function pod(containers: string[], extra: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', annotations },
    spec: { containers: containers.map((name) => ({ name, ports: name === 'srv' ? [{ name: 'http', containerPort: 8080 }] : undefined })), ...extra },
    status: { podIP: '10.244.0.5' },
  };
}

describe('chooseContainer', () => {
  it('takes the named, the annotated default, or the only container', () => {
    expect(chooseContainer(pod(['a', 'b']), 'b')).toBe('b');
    expect(chooseContainer(pod(['a', 'b'], {}, { 'kubectl.kubernetes.io/default-container': 'b' }), undefined)).toBe('b');
    expect(chooseContainer(pod(['a']), '')).toBe('a');
  });

  it('says which to choose from, as upstream', () => {
    expect(() => chooseContainer(pod(['a', 'b']), null)).toThrow('a container name must be specified for pod web, choose one of: [a b]');
    expect(() => chooseContainer(pod(['a', 'b'], { initContainers: [{ name: 'init' }] }), null)).toThrow('choose one of: [a b] or one of the init containers: [init]');
    expect(() => chooseContainer(pod(['a']), 'z')).toThrow('container z is not valid for pod web');
  });
});

describe('kubeletLocation', () => {
  it('prefers the InternalIP and reads the kubelet port', () => {
    const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { addresses: [{ type: 'Hostname', address: 'n' }, { type: 'InternalIP', address: '10.100.0.3' }], daemonEndpoints: { kubeletEndpoint: { Port: 41234 } } } };
    expect(kubeletLocation(node)).toEqual({ host: '10.100.0.3', port: 41234 });
    expect(() => kubeletLocation({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: {} })).toThrow(/no preferred addresses/);
  });
});

describe('kubeletPath', () => {
  const p = pod(['c']);
  it('maps each subresource to its kubelet path, passing only its parameters', () => {
    expect(kubeletPath('log', p, 'c', new URLSearchParams('container=c&follow=true&tailLines=3&pretty=1'))).toBe('/containerLogs/default/web/c?follow=true&tailLines=3');
    expect(kubeletPath('exec', p, 'c', new URLSearchParams('command=sh&command=-c&command=echo+hi&container=c&stdout=true'))).toBe('/exec/default/web/c?command=sh&command=-c&command=echo+hi&stdout=true');
    expect(kubeletPath('attach', p, 'c', new URLSearchParams('stdin=true&tty=true'))).toBe('/attach/default/web/c?stdin=true&tty=true');
    expect(kubeletPath('portforward', p, undefined, new URLSearchParams(''))).toBe('/portForward/default/web');
  });
});

describe('proxy targets', () => {
  it('splits scheme, name and port', () => {
    expect(splitSchemeNamePort('web')).toEqual({ scheme: '', name: 'web', port: '' });
    expect(splitSchemeNamePort('web:8080')).toEqual({ scheme: '', name: 'web', port: '8080' });
    expect(splitSchemeNamePort('https:web:443')).toEqual({ scheme: 'https', name: 'web', port: '443' });
    expect(splitSchemeNamePort('ftp:web:21')).toBeUndefined();
  });

  it('keeps the path after /proxy and the query', () => {
    expect(proxiedPath(new URL('https://x/api/v1/namespaces/d/pods/web:80/proxy/a/b?q=1'))).toBe('/a/b?q=1');
    expect(proxiedPath(new URL('https://x/api/v1/namespaces/d/pods/web:80/proxy'))).toBe('/');
    expect(proxiedPath(new URL('https://x/api/v1/namespaces/d/pods/web:80/proxy/'))).toBe('/');
  });

  it('reaches a pod on its IP, at the port given, named, or declared first', () => {
    expect(podProxyTarget(pod(['srv']), '', '8081')).toBe('http://10.244.0.5:8081');
    expect(podProxyTarget(pod(['srv']), 'https', 'http')).toBe('https://10.244.0.5:8080');
    expect(podProxyTarget(pod(['srv']), '', '')).toBe('http://10.244.0.5:8080');
  });

  it('reaches a node\'s kubelet over https at its port', () => {
    const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { addresses: [{ type: 'InternalIP', address: '10.100.0.3' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } } };
    expect(nodeProxyTarget(node, '', '')).toBe('https://10.100.0.3:10250');
    expect(nodeProxyTarget(node, 'http', '10255')).toBe('http://10.100.0.3:10255');
  });

  it('reaches a service through a ready endpoint of the port, by name or number', () => {
    const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' }, spec: { ports: [{ name: 'web', port: 80 }, { name: 'metrics', port: 9090 }] } };
    const eps: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'api' }, subsets: [{ addresses: [{ ip: '10.244.0.9' }], notReadyAddresses: [{ ip: '10.244.0.10' }], ports: [{ name: 'web', port: 8080 }, { name: 'metrics', port: 9100 }] }] };
    expect(serviceProxyTarget(svc, eps, '', 'web', 'api:web')).toBe('http://10.244.0.9:8080');
    expect(serviceProxyTarget(svc, eps, 'https', '9090', 'https:api:9090')).toBe('https://10.244.0.9:9100');
    expect(() => serviceProxyTarget(svc, eps, '', 'nope', 'api:nope')).toThrow('no service port "nope" found for service "api"');
    expect(() => serviceProxyTarget(svc, undefined, '', 'web', 'api:web')).toThrow('no endpoints available for service "api"');
    const notReady = { ...eps, subsets: [{ notReadyAddresses: [{ ip: '10.244.0.10' }], ports: [{ name: 'web', port: 8080 }] }] };
    expect(() => serviceProxyTarget(svc, notReady, '', 'web', 'api:web')).toThrow('no endpoints available for service "api:web"');
  });
});
