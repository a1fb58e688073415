/**
 * Where each data service writes the customer-managed key it uses: one row
 * per consuming resource type, read from the service catalog
 * (catalog/services/*.yaml, `keyReferences`). Adding a service means adding
 * its catalog file, never a code branch. Paths are field paths as rules
 * write them, matched case-insensitively.
 */
import { serviceCatalog, type KeyReferenceSpec } from '../catalog/index.js';

export type { IdentityForm, KeyLocator, KeyReferenceSpec } from '../catalog/index.js';

/** A consuming resource type and its references. */
export interface ConsumerType {
  /** Lower-case resource type. */
  type: string;
  /** The service name rules see as `relation.service` (rule parameters are named after it). */
  service: string;
  references: readonly KeyReferenceSpec[];
}

/** Every catalog type with key references (the `key-consumers` set), in catalog order. */
export const CONSUMER_TYPES: readonly ConsumerType[] = serviceCatalog()
  .keyConsumers()
  .map((entry) => ({ type: entry.key, service: entry.service.service, references: entry.keyReferences! }));

/** The consuming types, by lower-case type. */
export const CONSUMERS_BY_TYPE: ReadonlyMap<string, ConsumerType> = new Map(CONSUMER_TYPES.map((consumer) => [consumer.type, consumer]));

/** Every service name, sorted (rule parameters and docs list them). */
export const SERVICES: readonly string[] = [...new Set(CONSUMER_TYPES.map((consumer) => consumer.service))].sort();

/** A cmk type that names no key the index can follow, and the switch that says whether its data is under a customer key. */
export interface KeySwitchType {
  /** Lower-case resource type. */
  type: string;
  service: string;
  switch: { path: string; in?: readonly string[]; exists?: true };
  /** The key is held outside Azure's key services (a Kubernetes secret): `host-your-own` when on. */
  outsideAzure: boolean;
  /** The consumer its posture entries name: no references to follow. Shared by every entry of the type. */
  consumer: ConsumerType;
}

/** The cmk types without key references, by lower-case type (catalog `customerKeyWhen`): the posture classes them by their switch. */
export const KEY_SWITCH_TYPES: ReadonlyMap<string, KeySwitchType> = new Map(
  serviceCatalog()
    .typesOfClass('cmk')
    .filter((entry) => !entry.keyReferences?.length && entry.customerKeyWhen)
    .map((entry) => [
      entry.key,
      {
        type: entry.key,
        service: entry.service.service,
        switch: entry.customerKeyWhen!,
        outsideAzure: entry.keyLocation !== undefined,
        consumer: { type: entry.key, service: entry.service.service, references: [] },
      },
    ]),
);
