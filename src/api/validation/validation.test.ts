import { describe, expect, it } from 'vitest';
import { defaulterFor } from '../defaults/index.js';
import type { KubeObject } from '../types.js';
import {
  findUnknownFields,
  formatFieldError,
  invalidStatusParts,
  strictDecodingErrors,
  validateObjectMeta,
  validatorFor,
} from './index.js';
import { cronScheduleError } from './cron.js';

/** Defaults, then validates, as the server does; returns the formatted errors. */
function check(group: string, kind: string, obj: KubeObject, old?: KubeObject): string[] {
  defaulterFor(group, kind)?.(obj);
  return (validatorFor(group, kind)?.(obj, old) ?? []).map(formatFieldError);
}

function deployment(overrides: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
      ...overrides,
    },
  };
}

describe('formatFieldError (apimachinery field.Error.Error, ≤1.33)', () => {
  it('prints each error type with Go value formatting', () => {
    expect(formatFieldError({ type: 'FieldValueInvalid', field: 'spec.replicas', badValue: -1, detail: 'must be greater than or equal to 0' })).toBe(
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
    expect(formatFieldError({ type: 'FieldValueRequired', field: 'metadata.name', badValue: '', detail: 'name or generateName is required' })).toBe(
      'metadata.name: Required value: name or generateName is required',
    );
    expect(formatFieldError({ type: 'FieldValueNotSupported', field: 'spec.type', badValue: 'Foo', supported: ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] })).toBe(
      'spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    );
    expect(formatFieldError({ type: 'FieldValueDuplicate', field: 'spec.containers[1].name', badValue: 'web' })).toBe(
      'spec.containers[1].name: Duplicate value: "web"',
    );
    expect(formatFieldError({ type: 'FieldValueNotFound', field: 'spec.containers[0].volumeMounts[0].name', badValue: 'data' })).toBe(
      'spec.containers[0].volumeMounts[0].name: Not found: "data"',
    );
    expect(formatFieldError({ type: 'FieldValueForbidden', field: 'metadata.namespace', badValue: '', detail: 'not allowed on this type' })).toBe(
      'metadata.namespace: Forbidden: not allowed on this type',
    );
    expect(formatFieldError({ type: 'FieldValueTooLong', field: 'metadata.annotations', badValue: '', detail: 'must have at most 262144 bytes' })).toBe(
      'metadata.annotations: Too long: must have at most 262144 bytes',
    );
    expect(formatFieldError({ type: 'FieldValueInvalid', field: 'x', badValue: { b: '2', a: '1' }, detail: 'd' })).toBe('x: Invalid value: map[string]string{"a":"1", "b":"2"}: d');
    expect(formatFieldError({ type: 'FieldValueInvalid', field: 'x', badValue: ['a', 'b'], detail: 'd' })).toBe('x: Invalid value: []string{"a", "b"}: d');
    expect(formatFieldError({ type: 'FieldValueInvalid', field: 'x', badValue: 'a"b\n', detail: 'd' })).toBe('x: Invalid value: "a\\"b\\n": d');
  });
});

describe('invalidStatusParts (errors.NewInvalid)', () => {
  it('one error, several errors, and the causes', () => {
    const one = invalidStatusParts('Deployment', 'apps', 'web', [
      { type: 'FieldValueInvalid', field: 'spec.replicas', badValue: -1, detail: 'must be greater than or equal to 0' },
    ]);
    expect(one.message).toBe('Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    expect(one.causes).toEqual([{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' }]);
    const two = invalidStatusParts('Pod', '', 'p', [
      { type: 'FieldValueRequired', field: 'spec.containers[0].image', badValue: '' },
      { type: 'FieldValueRequired', field: 'spec.containers[0].image', badValue: '' },
      { type: 'FieldValueRequired', field: 'spec.containers[0].name', badValue: '' },
    ]);
    expect(two.message).toBe('Pod "p" is invalid: [spec.containers[0].image: Required value, spec.containers[0].name: Required value]');
    expect(two.causes).toHaveLength(3);
  });
});

describe('strictDecodingErrors', () => {
  it('uses the sigs.k8s.io/json wording, optionally with the decode prefix', () => {
    expect(strictDecodingErrors(['spec.foo'])).toBe('strict decoding error: unknown field "spec.foo"');
    expect(strictDecodingErrors(['spec.foo', 'spec.bar'])).toBe('strict decoding error: unknown field "spec.foo", unknown field "spec.bar"');
    expect(strictDecodingErrors(['spec.strategy.rollingUpdate.maxUnaivailable'], 'Deployment', 'v1')).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.strategy.rollingUpdate.maxUnaivailable"',
    );
  });
});

describe('findUnknownFields', () => {
  it('finds typos at any depth, with list indices', () => {
    const obj = deployment({ replica: 3 });
    (obj.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers[0].imagee = 'x';
    (obj.metadata as Record<string, unknown>).app = 'x';
    expect(findUnknownFields('apps', 'Deployment', obj)).toEqual(['metadata.app', 'spec.template.spec.containers[0].imagee', 'spec.replica']);
  });

  it('accepts real manifests, including defaulted output and status', () => {
    const obj = deployment();
    defaulterFor('apps', 'Deployment')!(obj);
    obj.status = { replicas: 1, conditions: [{ type: 'Available' }] };
    expect(findUnknownFields('apps', 'Deployment', obj)).toEqual([]);
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, nodeport: 30000 }] } };
    expect(findUnknownFields('', 'Service', svc)).toEqual(['spec.ports[0].nodeport']);
    expect(findUnknownFields('example.com', 'Widget', { spec: { anything: 1 } })).toEqual([]);
    const ing = { metadata: { name: 'i' }, spec: { tls: [{ secretNmae: 'x' }] } };
    expect(findUnknownFields('networking.k8s.io', 'Ingress', ing)).toEqual(['spec.tls[0].secretNmae']);
  });
});

describe('validateObjectMeta', () => {
  it('names by kind, labels, namespaces', () => {
    expect(validateObjectMeta({}, true, true, 'Pod').map(formatFieldError)).toEqual([
      'metadata.name: Required value: name or generateName is required',
      'metadata.namespace: Required value',
    ]);
    expect(validateObjectMeta({ name: 'Web', namespace: 'default' }, true, true, 'Deployment').map(formatFieldError)).toEqual([
      "metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
    expect(validateObjectMeta({ name: 'a.b', namespace: 'default' }, true, true, 'Service').map(formatFieldError)).toEqual([
      "metadata.name: Invalid value: \"a.b\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
    expect(validateObjectMeta({ name: 'x', namespace: 'n' }, false, true, 'Namespace').map(formatFieldError)).toEqual([
      'metadata.namespace: Forbidden: not allowed on this type',
    ]);
    expect(validateObjectMeta({ generateName: 'web-' , namespace: 'd'}, true, true, 'Pod').map(formatFieldError)).toEqual([
      'metadata.name: Required value: name or generateName is required',
    ]);
    expect(validateObjectMeta({ name: 'x', labels: { 'a b': 'c' } }, false, true, 'Node').map(formatFieldError)).toEqual([
      "metadata.labels: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]);
    expect(validateObjectMeta({ name: 'a', uid: '2' }, false, false, 'Node', { old: { name: 'a', uid: '1' } }).map(formatFieldError)).toEqual([
      'metadata.uid: Invalid value: "2": field is immutable',
    ]);
  });
});

describe('workload validation', () => {
  it('the famous selector mismatch', () => {
    const obj = deployment();
    (obj.spec as { selector: object }).selector = { matchLabels: { app: 'other' } };
    expect(check('apps', 'Deployment', obj)).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ]);
  });

  it('a valid defaulted deployment passes; replicas and restartPolicy are checked', () => {
    expect(check('apps', 'Deployment', deployment())).toEqual([]);
    expect(check('apps', 'Deployment', deployment({ replicas: -1 }))).toEqual(['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
    const noSel = deployment();
    delete (noSel.spec as Record<string, unknown>).selector;
    expect(check('apps', 'Deployment', noSel)).toEqual(['spec.selector: Required value']);
    const onFailure = deployment();
    (onFailure.spec as { template: { spec: Record<string, unknown> } }).template.spec.restartPolicy = 'OnFailure';
    expect(check('apps', 'Deployment', onFailure)).toEqual(['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"']);
  });

  it('selector is immutable in apps/v1', () => {
    const old = deployment();
    defaulterFor('apps', 'Deployment')!(old);
    const next = deployment({ selector: { matchLabels: { app: 'web', tier: 'x' } } });
    (next.spec as { template: { metadata: { labels: object } } }).template.metadata.labels = { app: 'web', tier: 'x' };
    expect(check('apps', 'Deployment', next, old)).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
  });

  it('pod spec errors', () => {
    const pod: KubeObject = {
      metadata: { name: 'p', namespace: 'd' },
      spec: {
        containers: [
          { name: 'Web', image: '', ports: [{ containerPort: 70000, protocol: 'HTTP' }], volumeMounts: [{ name: 'data', mountPath: '/d' }] },
          { name: 'Web', image: 'x', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } },
        ],
        restartPolicy: 'Sometimes',
      },
    };
    expect(check('', 'Pod', pod)).toEqual([
      "spec.containers[0].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      'spec.containers[0].image: Required value',
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      'spec.containers[0].volumeMounts[0].name: Not found: "data"',
      "spec.containers[1].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      'spec.containers[1].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
      'spec.containers[1].name: Duplicate value: "Web"',
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ]);
    expect(check('', 'Pod', { metadata: { name: 'p' }, spec: {} })).toEqual(['spec.containers: Required value']);
  });

  it('pod updates may change only a few fields', () => {
    const old: KubeObject = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'a' }] } };
    defaulterFor('', 'Pod')!(old);
    const image = structuredClone(old);
    (image.spec as { containers: { image: string }[] }).containers[0].image = 'b';
    expect(check('', 'Pod', image, old)).toEqual([]);
    const bound = structuredClone(old);
    (bound.spec as Record<string, unknown>).nodeName = 'node-1';
    expect(check('', 'Pod', bound, old)).toEqual([]);
    const env = structuredClone(old);
    (env.spec as { containers: Record<string, unknown>[] }).containers[0].env = [{ name: 'A', value: 'b' }];
    expect(check('', 'Pod', env, old)[0]).toMatch(/^spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/);
  });

  it('Job restartPolicy and CronJob schedule', () => {
    const job: KubeObject = {
      metadata: { name: 'pi', uid: 'u1' },
      spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl' }] } } },
    };
    expect(check('batch', 'Job', job)).toEqual(['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']);
    const cj: KubeObject = {
      metadata: { name: 'c' },
      spec: { schedule: '61 * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'a', image: 'b' }], restartPolicy: 'OnFailure' } } } } },
    };
    expect(check('batch', 'CronJob', cj)).toEqual(['spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61']);
    expect(cronScheduleError('*/5 * * * *')).toBeUndefined();
    expect(cronScheduleError('@hourly')).toBeUndefined();
    expect(cronScheduleError('0 0 * * MON-FRI')).toBeUndefined();
    expect(cronScheduleError('foo')).toBe('expected exactly 5 fields, found 1: [foo]');
    expect(cronScheduleError('x * * * *')).toBe('failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax');
  });
});

describe('other kinds', () => {
  it('Service type, ports and clusterIP immutability', () => {
    expect(check('', 'Service', { metadata: { name: 's' }, spec: { type: 'Foo', ports: [{ port: 80 }] } })).toEqual([
      'spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ]);
    expect(check('', 'Service', { metadata: { name: 's' }, spec: { ports: [{ port: 80 }, { port: 81 }] } })).toEqual([
      'spec.ports[0].name: Required value',
      'spec.ports[1].name: Required value',
    ]);
    const old: KubeObject = { metadata: { name: 's' }, spec: { clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80 }] } };
    const next: KubeObject = { metadata: { name: 's' }, spec: { clusterIP: '10.96.0.11', clusterIPs: ['10.96.0.11'], ports: [{ port: 80 }] } };
    expect(check('', 'Service', next, old)).toEqual(['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set']);
  });

  it('ConfigMap keys', () => {
    expect(check('', 'ConfigMap', { metadata: { name: 'c' }, data: { 'bad key': 'v', ok: 'v' } })).toEqual([
      "data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
  });

  it('RBAC rules and roleRef', () => {
    expect(check('rbac.authorization.k8s.io', 'Role', { metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'] }] })).toEqual([
      'rules[0].verbs: Required value: verbs must contain at least one value',
    ]);
    const old: KubeObject = { metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } };
    const next: KubeObject = { metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' } };
    expect(check('rbac.authorization.k8s.io', 'RoleBinding', next, old)).toEqual([
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef',
    ]);
  });

  it('PVC, HPA, StorageClass, EndpointSlice, CRD', () => {
    expect(check('', 'PersistentVolumeClaim', { metadata: { name: 'c' }, spec: {} })).toEqual([
      'spec.accessModes: Required value: at least 1 access mode is required',
      'spec.resources[storage]: Required value',
    ]);
    expect(check('autoscaling', 'HorizontalPodAutoscaler', { apiVersion: 'autoscaling/v2', metadata: { name: 'h' }, spec: { minReplicas: 5, maxReplicas: 2, scaleTargetRef: { kind: 'Deployment', name: 'web' } } })).toEqual([
      'spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
    ]);
    expect(check('storage.k8s.io', 'StorageClass', { metadata: { name: 's' } })).toEqual(['provisioner: Required value']);
    expect(check('discovery.k8s.io', 'EndpointSlice', { metadata: { name: 'e' }, addressType: 'IPv5' })).toEqual([
      'addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"',
    ]);
    const crd: KubeObject = {
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true }],
      },
    };
    expect(check('apiextensions.k8s.io', 'CustomResourceDefinition', crd)).toEqual([]);
    expect(crd.spec).toMatchObject({ names: { singular: 'widget', listKind: 'WidgetList' }, conversion: { strategy: 'None' } });
    (crd.metadata as { name: string }).name = 'widgets';
    expect(check('apiextensions.k8s.io', 'CustomResourceDefinition', crd)).toEqual([
      'metadata.name: Invalid value: "widgets": must be spec.names.plural+"."+spec.group',
    ]);
  });
});
