import { describe, expect, it } from 'vitest';
import { desiredRootCaConfigMap, isActiveNamespace, DESCRIPTION_ANNOTATION, ROOT_CA_CONFIGMAP } from './desired.js';

const PEM = '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n';

describe('isActiveNamespace', () => {
  it('is false for missing, deleting or terminating namespaces', () => {
    expect(isActiveNamespace(undefined)).toBe(false);
    expect(isActiveNamespace({ metadata: { name: 'a' }, status: { phase: 'Active' } })).toBe(true);
    expect(isActiveNamespace({ metadata: { name: 'a' } })).toBe(true);
    expect(isActiveNamespace({ metadata: { name: 'a' }, status: { phase: 'Terminating' } })).toBe(false);
    expect(isActiveNamespace({ metadata: { name: 'a', deletionTimestamp: 't' } })).toBe(false);
  });
});

describe('desiredRootCaConfigMap', () => {
  it('creates the ConfigMap with ca.crt and the description', () => {
    const cm = desiredRootCaConfigMap(undefined, PEM)!;
    expect(cm.metadata.name).toBe(ROOT_CA_CONFIGMAP);
    expect(cm.data).toEqual({ 'ca.crt': PEM });
    expect(cm.metadata.annotations![DESCRIPTION_ANNOTATION]).toMatch(/^Contains a CA bundle/);
  });

  it('leaves a correct one alone and repairs an edited one without touching the cached copy', () => {
    const good = { ...desiredRootCaConfigMap(undefined, PEM)!, metadata: { ...desiredRootCaConfigMap(undefined, PEM)!.metadata, resourceVersion: '3' } };
    expect(desiredRootCaConfigMap(good, PEM)).toBeUndefined();
    const edited = { ...good, data: { 'ca.crt': 'x', extra: 'y' } };
    const fixed = desiredRootCaConfigMap(edited, PEM)!;
    expect(fixed.data).toEqual({ 'ca.crt': PEM });
    expect(fixed.metadata.resourceVersion).toBe('3');
    expect(edited.data).toEqual({ 'ca.crt': 'x', extra: 'y' });
  });
});
