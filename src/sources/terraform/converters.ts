import type { Conversion, Json, NamedConversion } from './mapping-types.js';

/** A named conversion: the function, and one line for the documentation. */
interface Converter {
  describe: string;
  /** Converts a set (non-null) value; undefined when it has no Azure equivalent. */
  apply(value: Json): Json | undefined;
}

/** JSON web key operations as Key Vault spells them (RFC 7517 names). */
const KEY_OPERATIONS = ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey', 'import', 'export'];
const KEY_OPERATION_BY_LOWER = new Map(KEY_OPERATIONS.map((name) => [name.toLowerCase(), name]));

/**
 * A Key Vault or Managed HSM key identifier:
 * `https://{vault}.vault.azure.net/keys/{name}[/{version}]`.
 */
const KEY_URI = /^(https:\/\/[^/]+)\/keys\/([^/]+)(?:\/([^/]*))?\/?$/i;

function keyUri(value: Json): RegExpExecArray | null {
  return typeof value === 'string' ? KEY_URI.exec(value) : null;
}

/** The first element of a Terraform block list (blocks are lists even when at most one is allowed). */
function firstBlock(value: Json): Readonly<Record<string, Json>> | undefined {
  const block = Array.isArray(value) ? (value as readonly Json[])[0] : value;
  return block !== null && typeof block === 'object' && !Array.isArray(block) ? (block as Readonly<Record<string, Json>>) : undefined;
}

function text(value: Json | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export const CONVERTERS: Readonly<Record<NamedConversion, Converter>> = {
  'key-operations': {
    describe: 'each operation as Key Vault names it (`wrapkey` → `wrapKey`, `unwrapkey` → `unwrapKey`)',
    apply: (value) =>
      Array.isArray(value)
        ? (value as readonly Json[]).map((op) => (typeof op === 'string' ? (KEY_OPERATION_BY_LOWER.get(op.toLowerCase()) ?? op) : op))
        : value,
  },
  'key-uri-vault': {
    describe: 'the vault (or HSM) URI of a key identifier, with a trailing `/`',
    apply: (value) => {
      const match = keyUri(value);
      return match ? `${match[1]!.toLowerCase()}/` : undefined;
    },
  },
  'key-uri-name': {
    describe: 'the key name of a key identifier',
    apply: (value) => keyUri(value)?.[2],
  },
  'key-uri-version': {
    describe: 'the key version of a key identifier; `""` for a versionless one (automatic rotation)',
    apply: (value) => {
      const match = keyUri(value);
      return match ? (match[3] ?? '') : undefined;
    },
  },
  'epoch-seconds': {
    describe: 'an RFC 3339 time as Unix seconds, as Key Vault reports key attributes',
    apply: (value) => {
      if (typeof value !== 'string') return undefined;
      const millis = Date.parse(value);
      return Number.isNaN(millis) ? undefined : Math.floor(millis / 1000);
    },
  },
  'enabled-disabled': {
    describe: '`true` → `Enabled`, `false` → `Disabled`',
    apply: (value) => (typeof value === 'boolean' ? (value ? 'Enabled' : 'Disabled') : undefined),
  },
  'enabled-disabled-lower': {
    describe: '`true` → `enabled`, `false` → `disabled`',
    apply: (value) => (typeof value === 'boolean' ? (value ? 'enabled' : 'disabled') : undefined),
  },
  location: {
    describe: 'lower case without spaces (`West Europe` → `westeurope`), as Resource Graph reports it',
    apply: (value) => (typeof value === 'string' ? value.toLowerCase().replace(/\s+/g, '') : undefined),
  },
  'keys-of-object': {
    describe: 'each id as a key of an object (`[a, b]` → `{"a": {}, "b": {}}`), as Azure lists user-assigned identities',
    apply: (value) =>
      Array.isArray(value)
        ? Object.fromEntries((value as readonly Json[]).filter((id): id is string => typeof id === 'string').map((id) => [id, {}]))
        : undefined,
  },
  'key-rotation-policy': {
    describe:
      '`automatic` → a `Rotate` lifetime action (`time_after_creation` → `timeAfterCreate`, `time_before_expiry` → `timeBeforeExpiry`); ' +
      '`notify_before_expiry` → a `Notify` action; `expire_after` → `attributes.expiryTime`',
    apply: (value) => {
      const block = firstBlock(value);
      if (!block) return undefined;
      const lifetimeActions: Json[] = [];
      const automatic = firstBlock(block['automatic'] ?? null);
      if (automatic) {
        const trigger: Record<string, Json> = {};
        if (text(automatic['time_after_creation'])) trigger['timeAfterCreate'] = automatic['time_after_creation']!;
        if (text(automatic['time_before_expiry'])) trigger['timeBeforeExpiry'] = automatic['time_before_expiry']!;
        lifetimeActions.push({ trigger, action: { type: 'Rotate' } });
      }
      if (text(block['notify_before_expiry'])) {
        lifetimeActions.push({ trigger: { timeBeforeExpiry: block['notify_before_expiry']! }, action: { type: 'Notify' } });
      }
      const policy: Record<string, Json> = { lifetimeActions };
      if (text(block['expire_after'])) policy['attributes'] = { expiryTime: block['expire_after']! };
      return policy;
    },
  },
};

/** One line saying what a conversion does, for the mapping tables in the docs. */
export function describeConversion(conversion: Conversion | undefined): string {
  if (conversion === undefined) return 'as is';
  if (typeof conversion === 'string') return CONVERTERS[conversion].describe;
  if ('map' in conversion) {
    return Object.entries(conversion.map)
      .map(([from, to]) => `\`${from}\` → \`${JSON.stringify(to)}\``)
      .join(', ');
  }
  if ('present' in conversion) {
    const absent = conversion.absent === undefined ? 'unset' : `\`${JSON.stringify(conversion.absent)}\``;
    return `set → \`${JSON.stringify(conversion.present)}\`, not set → ${absent}`;
  }
  const { types, attribute, default: fallback, outside } = conversion.lookup;
  return (
    `\`${attribute}\` of the ${types.map((t) => `\`${t}\``).join(' or ')} it refers to` +
    (fallback === undefined ? '' : ` (its default \`${JSON.stringify(fallback)}\`)`) +
    (outside === undefined
      ? '; unknown when that resource is not in the plan'
      : `; \`${JSON.stringify(outside)}\` when it is not in the plan`)
  );
}

/** Applies a value conversion (not presence or lookup, which the interpreter handles) to a set value. */
export function convertValue(conversion: Conversion | undefined, value: Json): Json | undefined {
  if (conversion === undefined) return value;
  if (typeof conversion === 'string') return CONVERTERS[conversion].apply(value);
  if ('map' in conversion) {
    if (typeof value !== 'string') return value;
    const lower = value.toLowerCase();
    for (const [from, to] of Object.entries(conversion.map)) if (from.toLowerCase() === lower) return to;
    return value;
  }
  return value;
}
