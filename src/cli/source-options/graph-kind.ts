import path from 'node:path';
import { Option } from 'commander';
import { UsageError } from '../../errors/index.js';
import { isSubscriptionId } from '../../model/index.js';
import { AUTH_METHODS, type AuthMethod } from '../../sources/graph/auth-methods.js';
import { CLOUD_NAMES, resolveSettings, type CloudName } from '../../sources/graph/cloud.js';
import type { GraphScope } from '../../sources/graph/scope.js';
import { collect, type SourceKind } from './source-kind.js';

/** Flags that only mean something for a live scan, by commander's name and the user's spelling. */
const LIVE_ONLY: readonly (readonly [string, string])[] = [
  ['auth', '--auth'],
  ['cloud', '--cloud'],
  ['armEndpoint', '--arm-endpoint'],
  ['export', '--export'],
];

function strings(value: unknown): string[] {
  return Array.isArray(value) ? (value as string[]) : [];
}

function scopeOf(flags: Record<string, unknown>): GraphScope | undefined {
  const subscriptions = strings(flags['subscription']);
  const groups = strings(flags['managementGroup']);
  const tenant = flags['tenant'] === true;
  const given = [subscriptions.length > 0, groups.length > 0, tenant].filter(Boolean).length;
  if (given === 0) {
    const stray = LIVE_ONLY.find(([name]) => flags[name] !== undefined);
    if (stray) throw new UsageError(`${stray[1]} needs a live scan`, 'give --subscription ID, --management-group ID or --tenant');
    return undefined;
  }
  if (given > 1)
    throw new UsageError(
      'give one scope: --subscription, --management-group or --tenant',
      'repeat --subscription for several subscriptions',
    );
  if (tenant) return { kind: 'tenant' };
  if (groups.length) return { kind: 'management-groups', ids: groups };
  const bad = subscriptions.find((id) => !isSubscriptionId(id.trim()));
  if (bad !== undefined)
    throw new UsageError(
      `--subscription '${bad}' is not a subscription id`,
      'a subscription id is a GUID: az account list --query "[].id"',
    );
  return { kind: 'subscriptions', ids: subscriptions.map((id) => id.trim()) };
}

function armEndpointOf(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--arm-endpoint '${text}' is not a URL`, 'example: --arm-endpoint https://management.local.azurestack.external');
  }
  // The bearer token travels to this endpoint: never in the clear.
  if (url.protocol !== 'https:')
    throw new UsageError(`--arm-endpoint '${text}' is not https`, 'Resource Manager is only reached over https');
  return text;
}

/** `KEYSCOPE_REQUEST_TIMEOUT_MS`: a whole number of milliseconds, at least 100. */
function requestTimeoutOf(text: string): number {
  const ms = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(ms >= 100)) throw new UsageError(`KEYSCOPE_REQUEST_TIMEOUT_MS must be a whole number of milliseconds, at least 100, not '${text}'`);
  return ms;
}

/** `--subscription`, `--management-group`, `--tenant`: live scans through Azure Resource Graph. */
export const graphKind: SourceKind = {
  usage: '--subscription ID, --management-group ID or --tenant',
  progress: 'live',
  addOptions(command) {
    command
      .option('--subscription <id>', 'scan a subscription live through Azure Resource Graph; repeatable', collect, [])
      .option('--management-group <id>', 'scan every subscription under a management group; repeatable', collect, [])
      .option('--tenant', 'scan every subscription the identity can see')
      .addOption(new Option('--auth <method>', 'how a live scan signs in (default: DefaultAzureCredential)').choices(AUTH_METHODS))
      .addOption(new Option('--cloud <name>', 'Azure cloud of a live scan (default: AzureCloud)').choices(CLOUD_NAMES))
      .option('--arm-endpoint <url>', 'Resource Manager endpoint of a live scan (Azure Stack Hub); overrides --cloud')
      .option('--export <file>', 'write what a live scan fetched as NDJSON (scan it again with --input)');
  },
  async createSources(flags, { io, engine, verbose, quiet, progress }) {
    const scope = scopeOf(flags);
    if (!scope) return [];
    // The Azure SDK is loaded only for a live scan: it is most of a small scan's start-up otherwise.
    const { GraphLog, GraphSource, checkProxiedEndpoints, createCredential } = await import('../../sources/graph/index.js');
    const settings = resolveSettings({
      ...(flags['cloud'] !== undefined ? { cloud: flags['cloud'] as CloudName } : {}),
      ...(flags['armEndpoint'] !== undefined ? { armEndpoint: armEndpointOf(flags['armEndpoint'] as string) } : {}),
      ...(io.env['AZURE_AUTHORITY_HOST'] ? { authorityHost: io.env['AZURE_AUTHORITY_HOST'] } : {}),
      ...(io.env['KEYSCOPE_REQUEST_TIMEOUT_MS'] ? { requestTimeoutMs: requestTimeoutOf(io.env['KEYSCOPE_REQUEST_TIMEOUT_MS']) } : {}),
    });
    checkProxiedEndpoints(settings, io.env);
    const credential = createCredential((flags['auth'] as AuthMethod | undefined) ?? 'default', settings, io.env);
    const log = new GraphLog({ sink: progress.lines, verbose, ...(quiet ? {} : { progress }) });
    const exportFile = flags['export'] === undefined ? undefined : path.resolve(io.cwd, flags['export'] as string);
    const types = engine.resourceTypes.map((type) => ({ type, reads: engine.readsFor(type) }));
    return [new GraphSource({ scope, types, credential, settings, log, ...(exportFile ? { exportFile } : {}) })];
  },
};
