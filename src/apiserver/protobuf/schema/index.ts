// Builds the protobufjs Root from the hand-written .proto subsets. protobufjs is used only to
// parse and resolve the schema text (names, numbers, types, custom options); decoding is ours.
import protobuf from 'protobufjs';
import { CORE_PROTO } from './core.js';
import {
  APPS_PROTO,
  AUTHENTICATION_PROTO,
  AUTHORIZATION_PROTO,
  BATCH_PROTO,
  COORDINATION_PROTO,
  EVENTS_PROTO,
  NETWORKING_PROTO,
  POLICY_PROTO,
  RBAC_PROTO,
  SCHEDULING_PROTO,
} from './groups.js';
import { INTSTR_PROTO, META_PROTO, RESOURCE_PROTO, RUNTIME_PROTO } from './meta.js';

const SOURCES = [
  RUNTIME_PROTO,
  RESOURCE_PROTO,
  INTSTR_PROTO,
  META_PROTO,
  CORE_PROTO,
  APPS_PROTO,
  BATCH_PROTO,
  RBAC_PROTO,
  POLICY_PROTO,
  SCHEDULING_PROTO,
  NETWORKING_PROTO,
  COORDINATION_PROTO,
  AUTHENTICATION_PROTO,
  AUTHORIZATION_PROTO,
  EVENTS_PROTO,
];

let root: protobuf.Root | undefined;

/** Parsed lazily once: the schema is a few hundred messages and most processes never see protobuf. */
export function schemaRoot(): protobuf.Root {
  if (!root) {
    const built = new protobuf.Root();
    // keepCase: field names are the JSON names and must not be camel-cased again.
    for (const source of SOURCES) protobuf.parse(source, built, { keepCase: true });
    built.resolveAll();
    root = built;
  }
  return root;
}

export function lookupMessage(fullName: string): protobuf.Type {
  return schemaRoot().lookupType(fullName);
}
