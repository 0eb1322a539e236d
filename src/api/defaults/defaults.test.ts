import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { defaulterFor, imageTag } from './index.js';

function apply(group: string, kind: string, obj: KubeObject): KubeObject {
  const d = defaulterFor(group, kind);
  if (!d) throw new Error(`no defaulter for ${kind}`);
  d(obj);
  return obj;
}

describe('Deployment defaults', () => {
  it('turn the body of `kubectl create deployment web --image=nginx` into what a real cluster returns', () => {
    // The request body kubectl 1.27+ sends.
    const sent: KubeObject = {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    };
    apply('apps', 'Deployment', sent);
    // `kubectl get deploy web -o yaml` on a kind/kubeadm cluster (spec section).
    expect(sent.spec).toEqual({
      progressDeadlineSeconds: 600,
      replicas: 1,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: 'web' } },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'web' } },
        spec: {
          containers: [
            {
              image: 'nginx',
              imagePullPolicy: 'Always',
              name: 'nginx',
              resources: {},
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
            },
          ],
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Always',
          schedulerName: 'default-scheduler',
          securityContext: {},
          terminationGracePeriodSeconds: 30,
        },
      },
    });
  });

  it('are idempotent and keep explicit values', () => {
    const obj: KubeObject = {
      metadata: { name: 'x' },
      spec: { replicas: 0, strategy: { type: 'Recreate' }, template: { spec: { containers: [{ name: 'a', image: 'nginx:1.25' }] } } },
    };
    apply('apps', 'Deployment', obj);
    const once = structuredClone(obj);
    apply('apps', 'Deployment', obj);
    expect(obj).toEqual(once);
    expect(obj.spec).toMatchObject({ replicas: 0, strategy: { type: 'Recreate' } });
    expect((obj.spec as { strategy: object }).strategy).not.toHaveProperty('rollingUpdate');
    expect(obj).toHaveProperty(['spec', 'template', 'spec', 'containers', 0, 'imagePullPolicy'], 'IfNotPresent');
  });
});

describe('Pod defaults', () => {
  it('match `kubectl run nginx --image=nginx` as returned by a cluster (minus the token volume)', () => {
    const pod: KubeObject = {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: 'nginx', labels: { run: 'nginx' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }], dnsPolicy: 'ClusterFirst', restartPolicy: 'Always' },
      status: {},
    };
    apply('', 'Pod', pod);
    expect(pod.spec).toEqual({
      containers: [
        {
          image: 'nginx',
          imagePullPolicy: 'Always',
          name: 'nginx',
          resources: {},
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccount: 'default',
      serviceAccountName: 'default',
      terminationGracePeriodSeconds: 30,
    });
  });

  it('default probes, ports, volumes and requests from limits', () => {
    const pod: KubeObject = {
      metadata: { name: 'p' },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'registry:5000/app@sha256:abc',
            ports: [{ containerPort: 80 }],
            livenessProbe: { httpGet: { port: 80 } },
            resources: { limits: { cpu: '1' } },
          },
        ],
        volumes: [{ name: 'scratch' }, { name: 'cfg', configMap: { name: 'cfg' } }],
        tolerations: [{ operator: 'Exists' }],
      },
    };
    apply('', 'Pod', pod);
    const c = (pod.spec as { containers: Record<string, unknown>[] }).containers[0];
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    expect(c.livenessProbe).toEqual({
      httpGet: { port: 80, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(c.resources).toEqual({ limits: { cpu: '1' }, requests: { cpu: '1' } });
    expect((pod.spec as { volumes: unknown[] }).volumes).toEqual([
      { name: 'scratch', emptyDir: {} },
      { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } },
    ]);
    // A toleration of everything already covers not-ready/unreachable.
    expect((pod.spec as { tolerations: unknown[] }).tolerations).toEqual([{ operator: 'Exists' }]);
  });

  it('derive the pull policy from the tag', () => {
    expect(imageTag('nginx')).toBe('latest');
    expect(imageTag('nginx:latest')).toBe('latest');
    expect(imageTag('localhost:5000/nginx')).toBe('latest');
    expect(imageTag('localhost:5000/nginx:1.2')).toBe('1.2');
    expect(imageTag('nginx@sha256:abcd')).toBe('');
  });
});

describe('other kinds', () => {
  it('Service: `kubectl create service clusterip web --tcp=80:8080`', () => {
    const svc: KubeObject = {
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { ports: [{ name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 }], selector: { app: 'web' }, type: 'ClusterIP' },
    };
    apply('', 'Service', svc);
    expect(svc.spec).toEqual({
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 }],
      selector: { app: 'web' },
      sessionAffinity: 'None',
      type: 'ClusterIP',
    });
  });

  it('Service: NodePort gets externalTrafficPolicy, targetPort follows port', () => {
    const svc: KubeObject = { metadata: { name: 'np' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } };
    apply('', 'Service', svc);
    expect(svc.spec).toMatchObject({ externalTrafficPolicy: 'Cluster', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] });
  });

  it('Job: counts, and the generated controller-uid selector and labels on create', () => {
    const job: KubeObject = {
      metadata: { name: 'pi', uid: '1234-uid' },
      spec: { template: { metadata: {}, spec: { containers: [{ name: 'pi', image: 'perl' }], restartPolicy: 'Never' } } },
    };
    apply('batch', 'Job', job);
    expect(job.spec).toMatchObject({
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      completions: 1,
      parallelism: 1,
      podReplacementPolicy: 'TerminatingOrFailed',
      suspend: false,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': '1234-uid' } },
      template: {
        metadata: {
          labels: {
            'batch.kubernetes.io/controller-uid': '1234-uid',
            'batch.kubernetes.io/job-name': 'pi',
            'controller-uid': '1234-uid',
            'job-name': 'pi',
          },
        },
      },
    });
    expect(job.spec).not.toHaveProperty('manualSelector');
  });

  it('CronJob, Namespace, Secret, StorageClass, RoleBinding, NetworkPolicy, StatefulSet', () => {
    const cj = apply('batch', 'CronJob', { metadata: { name: 'c' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [] } } } } } });
    expect(cj.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    const ns = apply('', 'Namespace', { metadata: { name: 'dev' } });
    expect(ns).toEqual({
      metadata: { name: 'dev', labels: { 'kubernetes.io/metadata.name': 'dev' } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
    // A namespace that was finalized keeps its empty finalizer list on later updates.
    const finalized = apply('', 'Namespace', { metadata: { name: 'dev', resourceVersion: '5' }, spec: { finalizers: [] } });
    expect(finalized.spec).toEqual({ finalizers: [] });
    expect(apply('', 'Secret', { metadata: { name: 's' } }).type).toBe('Opaque');
    const sc = apply('storage.k8s.io', 'StorageClass', { metadata: { name: 'sc' }, provisioner: 'x.io/y' });
    expect(sc).toMatchObject({ reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' });
    const rb = apply('rbac.authorization.k8s.io', 'RoleBinding', {
      metadata: { name: 'rb' },
      roleRef: { kind: 'Role', name: 'r' },
      subjects: [{ kind: 'User', name: 'u' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'n' }],
    });
    expect(rb).toMatchObject({ roleRef: { apiGroup: 'rbac.authorization.k8s.io' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io' }, { apiGroup: '' }] });
    const np = apply('networking.k8s.io', 'NetworkPolicy', { metadata: { name: 'np' }, spec: { podSelector: {}, egress: [{}] } });
    expect(np.spec).toMatchObject({ policyTypes: ['Ingress', 'Egress'] });
    const sts = apply('apps', 'StatefulSet', { metadata: { name: 's' }, spec: { template: { spec: { containers: [] } } } });
    expect(sts.spec).toMatchObject({
      podManagementPolicy: 'OrderedReady',
      replicas: 1,
      revisionHistoryLimit: 10,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    });
    const hpa = apply('autoscaling', 'HorizontalPodAutoscaler', { apiVersion: 'autoscaling/v2', metadata: { name: 'h' }, spec: { maxReplicas: 3 } });
    expect(hpa.spec).toMatchObject({ minReplicas: 1, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] });
    expect(defaulterFor('', 'ConfigMap')).toBeUndefined();
  });
});
