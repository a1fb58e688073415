import { firstSyntaxError, JsonPositions, jsonPointer } from './json-positions.js';

/**
 * A `terraform show -json PLANFILE` document, checked just enough to be read
 * safely. Terraform documents the format in "JSON Output Format"
 * (developer.hashicorp.com/terraform/internals/json-format); unknown
 * properties are ignored, as its versioning rules ask.
 */
export interface PlanDocument {
  formatVersion: string;
  terraformVersion: string | undefined;
  /** The entries of `resource_changes` that are well formed, in file order. */
  changes: ResourceChange[];
  /** `configuration`, when the plan has it: expressions and references, never file positions. */
  configuration: ConfigModule | undefined;
  /** `configuration.provider_config`. */
  providerConfig: Readonly<Record<string, ProviderConfig>>;
  /** Root module input variables (`variables.<name>.value`). */
  variables: Readonly<Record<string, unknown>>;
  positions: JsonPositions;
}

/** One `resource_changes` entry. */
export interface ResourceChange {
  /** Its index in `resource_changes`, for positions in the plan. */
  index: number;
  address: string;
  /** `module.a[0].module.b`, absent in the root module. */
  moduleAddress: string | undefined;
  mode: string;
  type: string;
  name: string;
  providerName: string | undefined;
  actions: readonly string[];
  /** Planned attribute values; unknown ones are null or absent. */
  after: unknown;
  /** The same shape, `true` where a value is known only after apply. */
  afterUnknown: unknown;
  deposed: string | undefined;
}

/** A module in `configuration`: its resources' expressions and the modules it calls. */
export interface ConfigModule {
  resources?: ConfigResource[];
  module_calls?: Record<string, { source?: string; module?: ConfigModule }>;
}

export interface ConfigResource {
  address?: string;
  mode?: string;
  type?: string;
  name?: string;
  provider_config_key?: string;
  expressions?: Record<string, unknown>;
}

export interface ProviderConfig {
  name?: string;
  alias?: string;
  module_address?: string;
  expressions?: Record<string, unknown>;
}

/** Why a file is not a plan keyscope can read. */
export interface PlanDefect {
  message: string;
  line?: number;
  column?: number;
}

export type PlanReadResult =
  | { kind: 'plan'; plan: PlanDocument; defects: PlanDefect[] }
  | { kind: 'not-json'; defect: PlanDefect }
  | { kind: 'not-plan'; defect: PlanDefect };

/** Major versions of the format keyscope reads: 0.x (Terraform 0.12 to 1.0) and 1.x (1.1 and later) share the parts it uses. */
const SUPPORTED_MAJOR = new Set(['0', '1']);

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Parses and checks a plan's text. */
export function readPlan(text: string): PlanReadResult {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const where = firstSyntaxError(text);
    return { kind: 'not-json', defect: { message: `not JSON: ${(error as Error).message}`, ...where } };
  }
  const positions = new JsonPositions(text);
  const at = (path: (string | number)[]): { line?: number; column?: number } => {
    const point = positions.find(path);
    return point ? { line: point.line, column: point.column } : {};
  };
  const notPlan = (message: string, path: (string | number)[] = []): PlanReadResult => ({
    kind: 'not-plan',
    defect: { message, ...at(path) },
  });

  if (!isObject(document)) return notPlan('not a Terraform plan: the document is not a JSON object');
  const formatVersion = document['format_version'];
  if (typeof formatVersion !== 'string') {
    return notPlan('not a Terraform plan: it has no format_version (write one with `terraform show -json PLANFILE`)');
  }
  if (!SUPPORTED_MAJOR.has(formatVersion.split('.')[0]!)) {
    return notPlan(`unsupported plan format_version ${JSON.stringify(formatVersion)}: keyscope reads 0.x and 1.x`, ['format_version']);
  }
  if (!('planned_values' in document) && !('resource_changes' in document)) {
    return 'values' in document
      ? notPlan('a Terraform state, not a plan: run `terraform show -json` on a saved plan (`terraform plan -out FILE`)')
      : notPlan('not a Terraform plan: it has neither planned_values nor resource_changes');
  }
  const rawChanges = document['resource_changes'] ?? [];
  if (!Array.isArray(rawChanges)) return notPlan('not a Terraform plan: resource_changes is not an array', ['resource_changes']);

  const defects: PlanDefect[] = [];
  const changes: ResourceChange[] = [];
  rawChanges.forEach((entry: unknown, index) => {
    const change = readChange(entry, index);
    if (typeof change === 'string') {
      defects.push({
        message: `${jsonPointer(['resource_changes', index])}: ${change}; not evaluated`,
        ...at(['resource_changes', index]),
      });
    } else {
      changes.push(change);
    }
  });

  const listed = new Set(rawChanges.map((entry: unknown) => (isObject(entry) ? entry['address'] : undefined)));
  for (const [address, where] of plannedResources(document['planned_values'])) {
    // planned_values leaves unknown values out: without its change record a resource cannot be judged.
    if (!listed.has(address)) {
      defects.push({ message: `${address} is in planned_values but not in resource_changes; not evaluated`, ...at(where) });
    }
  }

  const configuration = isObject(document['configuration']) ? document['configuration'] : undefined;
  const variables: Record<string, unknown> = {};
  if (isObject(document['variables'])) {
    for (const [name, variable] of Object.entries(document['variables'])) {
      if (isObject(variable) && 'value' in variable) variables[name] = variable['value'];
    }
  }
  return {
    kind: 'plan',
    plan: {
      formatVersion,
      terraformVersion: typeof document['terraform_version'] === 'string' ? document['terraform_version'] : undefined,
      changes,
      configuration: configuration && isObject(configuration['root_module']) ? configuration['root_module'] : undefined,
      providerConfig:
        configuration && isObject(configuration['provider_config'])
          ? (configuration['provider_config'] as Record<string, ProviderConfig>)
          : {},
      variables,
      positions,
    },
    defects,
  };
}

/** Reads one `resource_changes` entry, or says what is wrong with it. */
function readChange(entry: unknown, index: number): ResourceChange | string {
  if (!isObject(entry)) return 'not an object';
  const { address, mode, type, name, change } = entry;
  if (typeof address !== 'string' || typeof mode !== 'string' || typeof type !== 'string') return 'address, mode or type missing';
  if (!isObject(change) || !Array.isArray(change['actions']) || !change['actions'].every((a) => typeof a === 'string')) {
    return `${address} has no change.actions`;
  }
  return {
    index,
    address,
    moduleAddress: typeof entry['module_address'] === 'string' ? entry['module_address'] : undefined,
    mode,
    type,
    name: typeof name === 'string' ? name : '',
    providerName: typeof entry['provider_name'] === 'string' ? entry['provider_name'] : undefined,
    actions: change['actions'],
    after: change['after'],
    afterUnknown: change['after_unknown'],
    deposed: typeof entry['deposed'] === 'string' ? entry['deposed'] : undefined,
  };
}

/** Every managed resource in `planned_values`, through child modules: its address and where it is. */
function plannedResources(plannedValues: unknown): [string, (string | number)[]][] {
  const found: [string, (string | number)[]][] = [];
  const visit = (module: unknown, at: (string | number)[]): void => {
    if (!isObject(module)) return;
    if (Array.isArray(module['resources'])) {
      module['resources'].forEach((resource: unknown, index) => {
        if (isObject(resource) && resource['mode'] === 'managed' && typeof resource['address'] === 'string') {
          found.push([resource['address'], [...at, 'resources', index]]);
        }
      });
    }
    if (Array.isArray(module['child_modules'])) {
      module['child_modules'].forEach((child: unknown, index) => visit(child, [...at, 'child_modules', index]));
    }
  };
  if (isObject(plannedValues)) visit(plannedValues['root_module'], ['planned_values', 'root_module']);
  return found;
}
