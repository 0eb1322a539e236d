// Small YAML manifests the integration tests apply; plain text, as users write them.

export interface DeploymentSpec {
  name: string;
  namespace?: string;
  replicas?: number;
  image?: string;
  labels?: Record<string, string>;
}

function labelLines(labels: Record<string, string>, indent: string): string {
  return Object.entries(labels).map(([k, v]) => `${indent}${k}: ${v}`).join('\n');
}

function nsLine(namespace: string | undefined): string {
  return namespace ? `\n  namespace: ${namespace}` : '';
}

export function deployment(d: DeploymentSpec): string {
  const labels = { app: d.name, ...d.labels };
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${d.name}${nsLine(d.namespace)}
  labels:
${labelLines(labels, '    ')}
spec:
  replicas: ${d.replicas ?? 1}
  selector:
    matchLabels:
      app: ${d.name}
  template:
    metadata:
      labels:
        app: ${d.name}
    spec:
      containers:
      - name: main
        image: ${d.image ?? 'nginx:1.25'}
        ports:
        - containerPort: 80
`;
}

export function replicaSet(name: string, namespace?: string, replicas = 1): string {
  return `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: ${name}${nsLine(namespace)}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      rs: ${name}
  template:
    metadata:
      labels:
        rs: ${name}
    spec:
      containers:
      - name: main
        image: nginx:1.25
`;
}

export function replicationController(name: string, namespace?: string, replicas = 1): string {
  return `apiVersion: v1
kind: ReplicationController
metadata:
  name: ${name}${nsLine(namespace)}
spec:
  replicas: ${replicas}
  selector:
    rc: ${name}
  template:
    metadata:
      labels:
        rc: ${name}
    spec:
      containers:
      - name: main
        image: nginx:1.25
`;
}

export function configMap(name: string, data: Record<string, string>, namespace?: string, labels?: Record<string, string>): string {
  const dataLines = Object.entries(data).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`).join('\n');
  const labelBlock = labels ? `\n  labels:\n${labelLines(labels, '    ')}` : '';
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}${nsLine(namespace)}${labelBlock}
data:
${dataLines || '  {}'}
`;
}

/** A namespaced CRD `widgets.example.com` (short name wd) with a SIZE printer column. */
export const widgetCrd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    plural: widgets
    singular: widget
    kind: Widget
    shortNames: [wd]
    categories: [all]
  versions:
  - name: v1
    served: true
    storage: true
    additionalPrinterColumns:
    - name: Size
      type: integer
      jsonPath: .spec.size
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size:
                type: integer
              color:
                type: string
`;

export function widget(name: string, size: number, namespace?: string): string {
  return `apiVersion: example.com/v1
kind: Widget
metadata:
  name: ${name}${nsLine(namespace)}
spec:
  size: ${size}
`;
}

/** A cluster-scoped CRD `gizmos.example.com` without printer columns. */
export const gizmoCrd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gizmos.example.com
spec:
  group: example.com
  scope: Cluster
  names:
    plural: gizmos
    singular: gizmo
    kind: Gizmo
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
`;
