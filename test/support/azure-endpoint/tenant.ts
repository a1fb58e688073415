import { readFileSync } from 'node:fs';
import { fixture } from '../../helpers.js';
import type { Row } from './kql.js';

/**
 * Fixture tenants, expanded deterministically from fixtures/graph/tenant-seed.json:
 * what Resource Graph holds (its tables), what only Resource Manager
 * holds (keys, SQL TDE protectors), and the same data as one inventory
 * for `--input`, so a live scan and an offline scan can be compared.
 */

interface Seed {
  seed: number;
  tenantId: string;
  tenants: Record<
    string,
    { subscriptions: number; resourceGroups: number; counts: Record<string, number>; elasticSanVolumeGroups?: number }
  >;
  variants: Record<string, Record<string, unknown>[]>;
  keys: { perVault: number[]; perHsm: number[]; variants: Record<string, unknown>[] };
}

export interface Tenant {
  tenantId: string;
  /** Subscription ids (lower-case), sorted. */
  subscriptions: string[];
  /** Resource Graph's tables; one left out (`elasticsanresources` unless given) is empty. */
  tables: Record<'resources' | 'resourcecontainers' | 'authorizationresources', Row[]> & { elasticsanresources?: Row[] };
  /** Resource Manager key bodies (as Keys - Get returns them) by lower-case parent id, sorted by id. */
  keys: Map<string, Row[]>;
  /** Encryption protector bodies by lower-case server or managed instance id. */
  protectors: Map<string, Row>;
  /** Management group name -> its subscriptions. */
  managementGroups: Map<string, string[]>;
}

/** A small fast PRNG (mulberry32): the same seed gives the same tenant on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function guid(next: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function clone<T>(value: T, subscriptionId: string): T {
  return JSON.parse(JSON.stringify(value).replaceAll('{subscription}', `/subscriptions/${subscriptionId}`)) as T;
}

const LOCATIONS = ['westeurope', 'northeurope', 'eastus2'];

export function loadSeed(): Seed {
  return JSON.parse(readFileSync(fixture('graph', 'tenant-seed.json'), 'utf8')) as Seed;
}

/** Expands one of the seed's tenants ('large' or 'small'). */
export function generateTenant(name: string): Tenant {
  const seed = loadSeed();
  const shape = seed.tenants[name];
  if (!shape) throw new Error(`no tenant '${name}' in the seed`);
  const next = random(seed.seed + name.length);
  const subscriptions = Array.from({ length: shape.subscriptions }, () => guid(next)).sort();
  const tenantId = seed.tenantId;
  const row = (fields: Row): Row => ({
    id: '',
    name: '',
    type: '',
    tenantId,
    kind: '',
    location: '',
    resourceGroup: '',
    subscriptionId: '',
    managedBy: '',
    sku: null,
    plan: null,
    properties: {},
    tags: {},
    identity: null,
    zones: null,
    extendedLocation: null,
    ...fields,
  });

  const resources: Row[] = [];
  const keys = new Map<string, Row[]>();
  const protectors = new Map<string, Row>();
  let created = 1_700_000_000;
  for (const [type, count] of Object.entries(shape.counts)) {
    const variants = seed.variants[type] ?? seed.variants['*']!;
    const prefix = type.split('/').pop()!.toLowerCase().slice(0, 10);
    for (let i = 0; i < count; i++) {
      const subscriptionId = subscriptions[Math.floor(next() * subscriptions.length)]!;
      const resourceGroup = `rg-${Math.floor(next() * shape.resourceGroups) + 1}`;
      const location = LOCATIONS[i % LOCATIONS.length]!;
      const name = `${prefix}-${String(i).padStart(5, '0')}`;
      const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${type}/${name}`;
      const { $protector, ...variant } = clone(variants[i % variants.length]!, subscriptionId) as Row & { $protector?: Row };
      resources.push(
        row({
          ...variant,
          id,
          name,
          type: type.toLowerCase(),
          location,
          resourceGroup,
          subscriptionId,
          tags: { env: i % 2 ? 'prod' : 'dev' },
        }),
      );
      if ($protector) {
        const childType = `${type}/encryptionProtector`;
        protectors.set(id.toLowerCase(), {
          id: `${id}/encryptionProtector/current`,
          name: 'current',
          type: childType,
          location,
          ...$protector,
        });
      }
      const hsm = type === 'Microsoft.KeyVault/managedHSMs';
      if (hsm || type === 'Microsoft.KeyVault/vaults') {
        const perParent = hsm ? seed.keys.perHsm : seed.keys.perVault;
        const list: Row[] = [];
        for (let j = 0; j < perParent[i % perParent.length]!; j++) {
          const { exp, ...crypto } = seed.keys.variants[(i + j) % seed.keys.variants.length] as Row & { exp?: number };
          const keyName = `key-${j}`;
          const keyUri = hsm ? `https://${name}.managedhsm.azure.net/keys/${keyName}` : `https://${name}.vault.azure.net/keys/${keyName}`;
          created += 17;
          list.push({
            id: `${id}/keys/${keyName}`,
            name: keyName,
            type: `${type}/keys`,
            location,
            properties: {
              attributes: { enabled: true, created, updated: created, recoveryLevel: 'Recoverable+Purgeable', ...(exp ? { exp } : {}) },
              ...crypto,
              keyUri,
              keyUriWithVersion: `${keyUri}/${guid(next).replaceAll('-', '')}`,
            },
          });
        }
        keys.set(id.toLowerCase(), list);
      }
    }
  }
  resources.sort((a, b) => (String(a['id']) < String(b['id']) ? -1 : 1));

  // Volume groups are in a table of their own; made without the PRNG, so every other row stays as it was.
  const volumeGroups: Row[] = [];
  const volumeGroupType = 'Microsoft.ElasticSan/elasticSans/volumeGroups';
  for (let i = 0; i < (shape.elasticSanVolumeGroups ?? 0); i++) {
    const subscriptionId = subscriptions[i % subscriptions.length]!;
    const variants = seed.variants[volumeGroupType]!;
    const name = `vg-${String(i).padStart(5, '0')}`;
    volumeGroups.push(
      row({
        ...clone(variants[i % variants.length]!, subscriptionId),
        id: `/subscriptions/${subscriptionId}/resourceGroups/rg-1/providers/Microsoft.ElasticSan/elasticSans/esan-1/volumegroups/${name}`,
        name,
        type: volumeGroupType.toLowerCase(),
        location: LOCATIONS[i % LOCATIONS.length]!,
        resourceGroup: 'rg-1',
        subscriptionId,
      }),
    );
  }
  volumeGroups.sort((a, b) => (String(a['id']) < String(b['id']) ? -1 : 1));

  const containers: Row[] = [];
  const authorization: Row[] = [];
  subscriptions.forEach((subscriptionId, index) => {
    containers.push(
      row({
        id: `/subscriptions/${subscriptionId}`,
        name: `sub-${String(index + 1).padStart(2, '0')}`,
        type: 'microsoft.resources/subscriptions',
        subscriptionId,
        properties: { state: 'Enabled' },
      }),
    );
    for (let g = 1; g <= shape.resourceGroups; g++) {
      containers.push(
        row({
          id: `/subscriptions/${subscriptionId}/resourceGroups/rg-${g}`,
          name: `rg-${g}`,
          type: 'microsoft.resources/subscriptions/resourcegroups',
          subscriptionId,
          resourceGroup: `rg-${g}`,
          location: 'westeurope',
          properties: { provisioningState: 'Succeeded' },
        }),
      );
    }
    for (const [role, principalType] of [
      ['8e3af657-a8ff-443c-a75c-2fe8c4bcb635', 'User'],
      ['00482a5a-887f-4fb3-b363-3b7fe8e74483', 'ServicePrincipal'],
    ] as const) {
      const name = guid(next);
      authorization.push(
        row({
          id: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleAssignments/${name}`,
          name,
          type: 'microsoft.authorization/roleassignments',
          subscriptionId,
          tags: null,
          properties: {
            roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
            principalId: guid(next),
            principalType,
            scope: `/subscriptions/${subscriptionId}`,
          },
        }),
      );
    }
  });
  const half = subscriptions.slice(0, Math.ceil(subscriptions.length / 2));
  return {
    tenantId,
    subscriptions,
    tables: { resources, resourcecontainers: containers, authorizationresources: authorization, elasticsanresources: volumeGroups },
    keys,
    protectors,
    managementGroups: new Map([
      ['mg-root', subscriptions],
      ['mg-platform', half],
      ['mg-empty', []],
    ]),
  };
}

/** A key as Keys - List returns it: attributes and URI only. */
export function keyListItem(key: Row): Row {
  const properties = key['properties'] as Row;
  return {
    id: key['id'],
    name: key['name'],
    type: key['type'],
    location: key['location'],
    properties: { attributes: properties['attributes'], keyUri: properties['keyUri'] },
  };
}

/**
 * The tenant as one inventory: Resource Graph's rows, each SQL server with
 * its TDE protector written in (keyId from the protector's key URI), and
 * every key with its full properties. Scanning this with `--input` must
 * give the findings a live scan gives.
 */
export function inventoryOf(tenant: Tenant): Row[] {
  const records: Row[] = [];
  for (const resource of tenant.tables.resources) {
    const protector = tenant.protectors.get(String(resource['id']).toLowerCase());
    if (protector) {
      const properties = { ...(resource['properties'] as Row) };
      const body = protector['properties'] as Row;
      properties['encryptionProtector'] = { kind: protector['kind'], ...body };
      if (body['serverKeyType'] === 'AzureKeyVault') properties['keyId'] = body['uri'];
      records.push({ ...resource, properties });
    } else {
      records.push(resource);
    }
    for (const key of tenant.keys.get(String(resource['id']).toLowerCase()) ?? []) {
      records.push({ ...key, subscriptionId: resource['subscriptionId'], resourceGroup: resource['resourceGroup'] });
    }
  }
  records.push(...(tenant.tables.elasticsanresources ?? []));
  return records;
}
