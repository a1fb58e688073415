import type * as Sarif from 'sarif';
import { isOpen, type Finding, type FindingLocation, type ScanResult } from '../findings/index.js';
import type { CompiledRule } from '../engine/index.js';
import { isDeployed, subscriptionNamedBy } from '../model/index.js';
import type { Severity } from '../rules/index.js';
import { UsageError } from '../errors/index.js';
import { numberedFile, PIECE, type ReportFormat, type ReportOptions, type ReportOutputs, type RuleDoc } from './reporter.js';
import { notAssessedLine } from './posture-text.js';

/** `full`: every finding, suppressions and baseline states. `github`: what GitHub code scanning ingests without loss. */
export type SarifProfile = 'full' | 'github';

/**
 * GitHub code scanning's limits. An upload is rejected over 20 runs a file
 * and loses results over 25,000 a run. The SARIF Multitool's GitHub rule
 * GH1004 reviews against lower display defaults (5 runs a file, 1,000
 * results a run): keyscope writes 5 runs a file by default so its output
 * passes that review too, and truncates only at GitHub's hard limit, since a
 * left-out result would close its alert. A file is also rejected over 10 MB
 * of gzip: at up to about 250 bytes of gzip a result, 30,000 results a file
 * (with the rules of its runs) stay under it, so a file takes no further run
 * once that many results would be passed.
 */
export const GITHUB_LIMITS = { runsPerFile: 5, maxRunsPerFile: 20, resultsPerRun: 25_000, resultsPerFile: 30_000 } as const;

/** GitHub's `security-severity` scores (a numeric string), by keyscope severity. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };
const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};
const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/** Fingerprint key: versioned, so a future change of the scheme cannot collide with today's. */
export const FINGERPRINT_KEY = 'keyscope/v1';
const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Categories (`runAutomationDetails.id` without the run part) keep live scans and the pre-deployment gate apart. */
export const CATEGORY = {
  iac: 'keyscope/iac',
  azure: (subscriptionId: string) => `keyscope/azure/${subscriptionId.toLowerCase()}`,
  status: 'keyscope/status',
} as const;

/** What the SARIF format reads of the command line. */
export interface SarifSettings {
  profile: SarifProfile;
  /** Runs per SARIF file in the GitHub profile (default 5, at most 20). */
  maxRunsPerFile?: number;
}

/** `--sarif-profile` and `--sarif-max-runs`, checked. */
export function sarifSettings(flags: ReportOptions['flags']): SarifSettings {
  // Commander gives both as strings (the profile from its choices).
  const chosen = (flags['sarifProfile'] as string | undefined) ?? 'full';
  const given = flags['sarifMaxRuns'] as string | undefined;
  const maxRuns = given === undefined ? undefined : Number(given);
  if (maxRuns !== undefined && (!Number.isInteger(maxRuns) || maxRuns < 1 || maxRuns > GITHUB_LIMITS.maxRunsPerFile)) {
    throw new UsageError(`--sarif-max-runs '${given}' is not a whole number from 1 to 20`, 'GitHub rejects files of more than 20 runs');
  }
  if (chosen !== 'full' && chosen !== 'github') throw new UsageError(`--sarif-profile '${chosen}' is not a profile`, 'use full or github');
  return { profile: chosen, ...(maxRuns === undefined ? {} : { maxRunsPerFile: maxRuns }) };
}

/** One run to write: everything but its results, and the findings that become them, in order. */
interface PlannedRun {
  run: Sarif.Run;
  findings: readonly Finding[];
}

/**
 * Writes a scan as SARIF 2.1.0. The full profile is one log with one run.
 * The GitHub profile has one run per category: the pre-deployment gate
 * (templates, plans) in one, each Azure subscription in its own, so that a
 * subscription that could not be read simply has no run and none of its
 * alerts closes; runs are split across logs (5 a log by default), and more
 * than one log goes to numbered files beside the one named (name.1.sarif,
 * name.2.sarif...). Each log is written a run and a result at a time.
 */
export async function writeSarif(
  result: ScanResult,
  outputs: ReportOutputs,
  settings: SarifSettings,
  ruleDoc: ReportOptions['ruleDoc'],
): Promise<void> {
  const driver = toolDriver(result, ruleDoc);
  const ruleIndex = new Map(result.rules.map((rule, i) => [rule.id, i]));
  const runs = settings.profile === 'full' ? [fullRun(result, driver)] : githubRuns(result, driver);
  const files = settings.profile === 'full' ? [runs] : filesOf(runs, settings);
  if (files.length === 1) return outputs.write(logPieces(files[0]!, ruleIndex, settings.profile));
  // Several files cannot share one stream: they would not be one JSON document.
  if (outputs.file === undefined)
    throw new UsageError(`the SARIF report needs ${files.length} files here`, 'write it with --output sarif=FILE');
  for (const [i, file] of files.entries()) {
    await outputs.writeFile(numberedFile(outputs.file, SARIF_EXTENSION, i + 1), logPieces(file, ruleIndex, settings.profile));
  }
}

/** Runs packed into files in order: a new file at the runs a file takes, or when the next run would pass the results a file takes. */
function filesOf(runs: readonly PlannedRun[], settings: SarifSettings): PlannedRun[][] {
  const perFile = Math.min(settings.maxRunsPerFile ?? GITHUB_LIMITS.runsPerFile, GITHUB_LIMITS.maxRunsPerFile);
  const files: PlannedRun[][] = [];
  let current: PlannedRun[] = [];
  let results = 0;
  for (const run of runs) {
    if (current.length === perFile || (current.length > 0 && results + run.findings.length > GITHUB_LIMITS.resultsPerFile)) {
      files.push(current);
      current = [];
      results = 0;
    }
    current.push(run);
    results += run.findings.length;
  }
  files.push(current);
  return files;
}

const SARIF_EXTENSION = '.sarif';

/** The SARIF format: `--format sarif`, `--sarif-profile full|github`, `--sarif-max-runs N`. */
export const sarifFormat: ReportFormat & { format: 'sarif' } = {
  format: 'sarif',
  extension: SARIF_EXTENSION,
  checkFlags: (flags) => void sarifSettings(flags),
  write: (result, outputs, options) => writeSarif(result, outputs, sarifSettings(options.flags), options.ruleDoc),
};

function fullRun(result: ScanResult, driver: Sarif.ToolComponent): PlannedRun {
  return {
    run: {
      tool: { driver },
      invocations: [{ executionSuccessful: result.scan.complete, toolExecutionNotifications: scanNotifications(result) }],
      results: [],
      columnKind: 'unicodeCodePoints',
      properties: { summary: result.summary },
    },
    findings: result.findings,
  };
}

function githubRuns(result: ScanResult, driver: Sarif.ToolComponent): PlannedRun[] {
  const notifications = scanNotifications(result);
  const groups = new Map<string, Finding[]>();
  for (const category of readCategories(result)) groups.set(category, []);
  const withheld = withheldCategories(result);
  for (const finding of result.findings) {
    if (!isOpen(finding)) continue;
    const category = categoryOf(finding.location, finding.resource.subscriptionId);
    if (withheld.has(category)) continue;
    let group = groups.get(category);
    if (!group) groups.set(category, (group = []));
    group.push(finding);
  }
  for (const category of withheld) groups.delete(category);
  if (groups.size === 0) groups.set(CATEGORY.status, []);

  return [...groups.keys()].sort().map((category) => {
    const findings = groups.get(category)!;
    const runNotifications = [...notifications];
    let kept = findings;
    if (findings.length > GITHUB_LIMITS.resultsPerRun) {
      // Keep the most severe; say how many were left out (they would close as fixed, so this is an error).
      kept = [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]).slice(0, GITHUB_LIMITS.resultsPerRun);
      runNotifications.push({
        level: 'error',
        descriptor: { id: 'results-truncated' },
        message: {
          text: `${category}: ${findings.length} results exceed GitHub's ${GITHUB_LIMITS.resultsPerRun} per run; the ${findings.length - kept.length} least severe were left out. Narrow the scan or use the JSON report.`,
        },
      });
    }
    return {
      run: {
        tool: { driver },
        automationDetails: { id: `${category}/` },
        invocations: [{ executionSuccessful: result.scan.complete, toolExecutionNotifications: runNotifications }],
        results: [],
        columnKind: 'unicodeCodePoints',
      },
      findings: kept,
    };
  });
}

/**
 * One SARIF log's text, as `JSON.stringify(log, null, 2)` would write it,
 * but a run and a result at a time: each run's members are stringified
 * around its results, and each result on its own.
 */
function* logPieces(runs: readonly PlannedRun[], ruleIndex: ReadonlyMap<string, number>, profile: SarifProfile): Generator<string> {
  const [logHead, logTail] = around({ $schema: SCHEMA, version: '2.1.0', runs: HOLE }, 'runs', '');
  let out = `${logHead}[\n`;
  for (let r = 0; r < runs.length; r++) {
    const { run, findings } = runs[r]!;
    const [runHead, runTail] = around({ ...run, results: HOLE }, 'results', RUN_PAD);
    out += `${r ? ',\n' : ''}${RUN_PAD}${runHead}`;
    // A run's head holds every rule's help: with many rules it is larger than a piece, so it goes out in pieces too.
    while (out.length >= PIECE * 2) {
      yield out.slice(0, PIECE);
      out = out.slice(PIECE);
    }
    if (findings.length === 0) out += '[]';
    else {
      out += '[';
      for (let i = 0; i < findings.length; i++) {
        out += `${i ? ',' : ''}\n${RESULT_PAD}${indented(toResult(findings[i]!, ruleIndex, profile), RESULT_PAD)}`;
        if (out.length >= PIECE) {
          yield out;
          out = '';
        }
      }
      out += `\n${RESULT_PAD.slice(2)}]`;
    }
    out += runTail;
  }
  yield `${out}\n  ]${logTail}\n`;
}

/** Runs sit at this depth in a log, results one deeper (two spaces a level, as JSON.stringify indents). */
const RUN_PAD = '    ';
const RESULT_PAD = '        ';
/** Stands for a member written apart; the quotes around it only appear where the member's value is. */
const HOLE = '\u0000keyscope-written-apart\u0000';

/** `JSON.stringify(value, null, 2)` as if written `pad` deep in a larger document. */
function indented(value: unknown, pad: string): string {
  const text = JSON.stringify(value, null, 2);
  return pad ? text.replace(/\n/g, `\n${pad}`) : text;
}

/** The text of `value` before and after its member `key` (whose value is HOLE), indented `pad` deep. */
function around(value: object, key: string, pad: string): [string, string] {
  const text = indented(value, pad);
  const marker = `${JSON.stringify(key)}: ${JSON.stringify(HOLE)}`;
  const at = text.indexOf(marker);
  return [text.slice(0, at + key.length + 4), text.slice(at + marker.length)];
}

/** Every category the scan read completely enough to report on, even with no findings (so fixed alerts close). */
function readCategories(result: ScanResult): string[] {
  const categories = new Set<string>();
  for (const subscription of result.scan.scopes ?? []) categories.add(CATEGORY.azure(subscription));
  if (result.scan.sources.some((source) => source.kind === 'arm' || source.kind === 'terraform')) categories.add(CATEGORY.iac);
  return [...categories];
}

/**
 * Categories that must not be uploaded because part of them was not read:
 * a problem naming a subscription, or a resource in it, withholds that
 * subscription's run; a
 * problem with a file withholds the runs that file could have fed (the
 * pre-deployment gate for templates and plans, every subscription for an
 * export), because an incomplete run would close alerts that still hold.
 */
function withheldCategories(result: ScanResult): Set<string> {
  const withheld = new Set<string>();
  const sourceKinds = new Map(result.scan.sources.map((source) => [source.target, source.kind]));
  // The live categories an export or live source fed, worked out once however many problems there are.
  let liveCategories: string[] | undefined;
  const live = (): string[] => {
    if (!liveCategories) {
      const categories = new Set((result.scan.scopes ?? []).map((subscription) => CATEGORY.azure(subscription)));
      for (const finding of result.findings) {
        if (isDeployed(finding.location)) {
          categories.add(categoryOf(finding.location, finding.resource.subscriptionId));
        }
      }
      liveCategories = [...categories];
    }
    return liveCategories;
  };
  for (const problem of result.scan.errors) {
    // A subscription, or a resource in one (an enrichment call that failed).
    const subscription = subscriptionNamedBy(problem.target);
    if (subscription) {
      withheld.add(CATEGORY.azure(subscription));
      continue;
    }
    const kind =
      sourceKinds.get(problem.target) ?? [...sourceKinds.entries()].find(([target]) => problem.target.startsWith(`${target}/`))?.[1];
    if (kind === 'arm' || kind === 'terraform') withheld.add(CATEGORY.iac);
    else for (const category of live()) withheld.add(category);
  }
  return withheld;
}

function categoryOf(location: FindingLocation, subscriptionId: string | undefined): string {
  if (location.kind === 'arm' || location.kind === 'terraform') return CATEGORY.iac;
  return CATEGORY.azure(subscriptionId ?? 'unknown-subscription');
}

function toolDriver(result: ScanResult, ruleDoc: ReportOptions['ruleDoc']): Sarif.ToolComponent {
  return {
    name: 'keyscope',
    version: result.tool.version,
    semanticVersion: result.tool.version,
    informationUri: 'https://github.com/keyscope-dev/keyscope',
    rules: result.rules.map((rule) => reportingDescriptor(rule, ruleDoc(rule.id))),
  };
}

function reportingDescriptor(rule: CompiledRule, doc: RuleDoc | undefined): Sarif.ReportingDescriptor {
  const d = rule.definition;
  const fix = [d.remediation.summary, `Azure CLI: ${d.remediation.az}`].filter(Boolean).join('\n');
  const markdown = doc?.markdown ?? `**${d.title}**\n\n${d.description}\n\n${d.rationale}\n\n\`\`\`sh\n${d.remediation.az}\n\`\`\``;
  return {
    id: d.id,
    name: pascalCase(d.id),
    shortDescription: { text: d.title },
    fullDescription: { text: d.description.trim() },
    help: { text: `${d.rationale.trim()}\n\n${fix}`, markdown },
    ...(doc?.url === undefined ? {} : { helpUri: doc.url }),
    defaultConfiguration: { level: LEVEL[d.severity] },
    properties: {
      tags: ['security', ...(d.tags ?? [])],
      precision: 'high',
      'security-severity': SECURITY_SEVERITY[d.severity],
      severity: d.severity,
    },
  };
}

/** `keyvault.purge-protection` -> `KeyvaultPurgeProtection`. */
function pascalCase(id: string): string {
  return id
    .split(/[.-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function toResult(finding: Finding, ruleIndex: ReadonlyMap<string, number>, profile: SarifProfile): Sarif.Result {
  const result: Sarif.Result = {
    ruleId: finding.ruleId,
    ruleIndex: ruleIndex.get(finding.ruleId) ?? -1,
    kind: finding.status === 'fail' ? 'fail' : 'open',
    // An unknown is not a proven violation: GitHub shows it as a warning to review.
    level: finding.status === 'unknown' ? 'warning' : LEVEL[finding.severity],
    message: { text: finding.message },
    locations: [location(finding, profile)],
    partialFingerprints: { [FINGERPRINT_KEY]: finding.fingerprint },
    properties: {
      severity: finding.severity,
      status: finding.status,
      ...(finding.status === 'unknown' ? { cause: finding.cause } : {}),
      resource: finding.resource,
      location: finding.location,
      evidence: finding.evidence,
    },
  };
  if (profile === 'full') {
    if (finding.suppression) {
      const s = finding.suppression;
      result.suppressions = [
        {
          kind: 'external',
          status: 'accepted',
          justification: s.justification,
          properties: {
            expires: s.expires,
            exemption: s.exemption,
            ...(s.approvedBy ? { approvedBy: s.approvedBy } : {}),
            ...(s.ticket ? { ticket: s.ticket } : {}),
          },
        },
      ];
    }
    if (finding.baselineState) result.baselineState = finding.baselineState;
  }
  return result;
}

/**
 * Where a result points. Templates and plans: the file, line and column to
 * change. Live and exported resources have no file in the repository, so
 * GitHub gets a stable, lower-case pseudo-path built from the resource id
 * (`azure/subscriptions/.../providers/<type>/<name>`, line 1) and the id as
 * a logical location; the full profile points at the export file's line.
 */
function location(finding: Finding, profile: SarifProfile): Sarif.Location {
  const logical: Sarif.LogicalLocation[] = [{ fullyQualifiedName: finding.resource.id, name: finding.resource.name, kind: 'resource' }];
  const at = finding.location;
  switch (at.kind) {
    case 'arm':
      return { physicalLocation: physical(at.file, at.line, at.column), logicalLocations: logical };
    case 'terraform':
      return {
        physicalLocation: physical(at.configFile ?? at.file, at.line ?? 1, at.column ?? 1),
        logicalLocations: [{ fullyQualifiedName: at.address, name: finding.resource.name, kind: 'resource' }],
      };
    case 'export':
      if (profile === 'full') return { physicalLocation: physical(at.file, at.line, 1), logicalLocations: logical };
      break;
    case 'example':
      if (profile === 'full') return { physicalLocation: physical(at.file, 1, 1), logicalLocations: logical };
      break;
    default:
      break;
  }
  return { physicalLocation: physical(pseudoPath(finding.resource.id), 1, 1), logicalLocations: logical };
}

function physical(file: string, line: number, column: number): Sarif.PhysicalLocation {
  return { artifactLocation: { uri: relativeUri(file) }, region: { startLine: line, startColumn: column } };
}

/** Characters `encodeURIComponent` leaves as they are, and the separator. */
const URI_SAFE = /^[\w\-.!~*'()/]*$/;

/** A repository-relative URI: forward slashes, no leading slash, each segment escaped. */
export function relativeUri(file: string): string {
  const relative = file
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/^\/+/, '');
  // Resource ids rarely need escaping: one test spares splitting and joining every result's path.
  if (URI_SAFE.test(relative)) return relative;
  return relative
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/** `azure/subscriptions/<sub>/resourcegroups/<rg>/providers/<type>/<name>`, lower-case. */
export function pseudoPath(resourceId: string): string {
  return `azure/${relativeUri(resourceId.toLowerCase())}`;
}

function scanNotifications(result: ScanResult): Sarif.Notification[] {
  const notifications: Sarif.Notification[] = result.scan.errors.map((problem) => ({
    level: 'error',
    descriptor: { id: problem.code },
    message: { text: `${problem.target}: ${problem.message}` },
    ...(problem.line === undefined
      ? {}
      : { locations: [{ physicalLocation: physical(problem.target, problem.line, problem.column ?? 1) }] }),
  }));
  // Notices leave the scan complete: a note, not an error, and no category is withheld for them.
  for (const problem of result.scan.notices) {
    notifications.push({
      level: 'note',
      descriptor: { id: problem.code },
      message: { text: `${problem.target}: ${problem.message}` },
      ...(problem.line === undefined
        ? {}
        : { locations: [{ physicalLocation: physical(problem.target, problem.line, problem.column ?? 1) }] }),
    });
  }
  for (const expired of result.exemptions?.expired ?? []) {
    notifications.push({
      level: 'warning',
      descriptor: { id: 'exemption-expired' },
      message: {
        text: `Exemption ${expired.origin} (${expired.rule} on ${expired.resource}) expired on ${expired.expires} and no longer suppresses ${expired.matched} finding(s).`,
      },
    });
  }
  const notAssessed = result.posture.notAssessed;
  if (notAssessed.length) {
    // A gap in what was checked, not in the data: a warning, in every run, so no run reads as covering everything.
    notifications.push({
      level: 'warning',
      descriptor: { id: 'not-assessed' },
      message: { text: `${notAssessedLine(notAssessed, notAssessed.length)}.` },
      properties: { notAssessed },
    });
  }
  return notifications;
}
