import type { Resource, ScanProblem } from '../../model/index.js';
import { TemplateExpander } from './expand.js';
import { entries, JsonSyntaxError, member, parseJsonText, type JsonText } from './json-text.js';
import { LIMITS, TemplateLimitError, tooDeep } from './limits.js';
import { readParametersFile, type GivenParameter } from './parameters-file.js';
import { PROBLEM, ProblemLog } from './problems.js';
import { toRecord } from './record.js';
import { topLevelScope } from './resource-ids.js';
import { TemplateFrame } from './template-frame.js';

/** A template's text and the texts of the parameters files that apply to it, in order (later files win). */
export interface TemplateInput {
  /** The file as reports name it. */
  file: string;
  text: string;
  parameters?: readonly { file: string; text: string }[];
}

/** How a template was read: `deployment` is the name `deployment().name` returns. */
export interface TemplateScanOptions {
  /** Defaults to the file name without its extension, as `az deployment group create` names deployments. */
  deploymentName?: string;
}

/** True when a `$schema` names a deployment template (any scope). */
export function isTemplateSchema(schema: unknown): boolean {
  return typeof schema === 'string' && /deploymentTemplate\.json/i.test(schema);
}

/**
 * Evaluates a template as Azure Resource Manager would before deploying it
 * and returns the resources it deploys as records. Everything that goes
 * wrong is reported to `report` with its file, line and column; what could
 * still be evaluated is returned.
 */
export function scanTemplate(input: TemplateInput, report: (problem: ScanProblem) => void, options: TemplateScanOptions = {}): Resource[] {
  const problems = new ProblemLog(input.file, report);
  if (!withinFileLimits(input.file, input.text, LIMITS.templateBytes, 'a template', problems)) return [];
  for (const parameters of input.parameters ?? [])
    if (!withinFileLimits(parameters.file, parameters.text, LIMITS.parametersFileBytes, 'a parameters file', problems)) return [];
  let json: JsonText;
  try {
    json = parseJsonText(input.file, input.text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    problems.addAt(PROBLEM.templateInvalid, error.message, { line: error.line, column: error.column });
    return [];
  }
  const root = json.root;
  const schema = member(root, '$schema');
  if (root.type !== 'object' || (!isTemplateSchema(schema?.value) && !member(root, 'resources'))) {
    const reason =
      typeof schema?.value === 'string' && /deploymentParameters\.json/i.test(schema.value)
        ? 'this is a parameters file, not a template: give it with --parameters'
        : "not a deployment template: no '$schema' of a deployment template and no 'resources'";
    problems.add(PROBLEM.templateInvalid, reason, { json, offset: (schema ?? root).offset, pointer: schema ? '/$schema' : '' });
    return [];
  }
  const languageVersion = member(root, 'languageVersion');
  if (languageVersion && !(typeof languageVersion.value === 'string' && /^[12]\.\d+/.test(languageVersion.value))) {
    problems.add(
      PROBLEM.templateInvalid,
      `languageVersion ${JSON.stringify(languageVersion.value)} is not one keyscope reads (1.0 or 2.0)`,
      {
        json,
        offset: languageVersion.offset,
        pointer: '/languageVersion',
      },
    );
    return [];
  }

  if (!withinSectionLimits(json, problems)) return [];

  const given = new Map<string, GivenParameter>();
  for (const parameters of input.parameters ?? []) {
    const values = readParametersFile(parameters.file, parameters.text, problems);
    // Evaluating with some values missing could pass what the real values fail: stop here.
    if (!values) return [];
    for (const value of values) given.set(value.name.toLowerCase(), value);
  }

  const scope = topLevelScope(typeof schema?.value === 'string' ? schema.value : undefined);
  const frame = new TemplateFrame({
    json,
    node: root,
    pointer: '',
    scope,
    deploymentName: options.deploymentName ?? deploymentNameOf(input.file),
    given: new Map([...given].map(([name, parameter]) => [name, parameter.value])),
    problems,
  });
  const declared = new Set(frame.declaredParameters().map((name) => name.toLowerCase()));
  for (const [name, parameter] of given) {
    if (declared.has(name)) continue;
    problems.add(
      PROBLEM.parametersInvalid,
      `the template '${input.file}' declares no parameter '${parameter.name}' (Azure rejects the deployment)`,
      {
        json: parameter.json,
        offset: parameter.key.offset,
        pointer: parameter.pointer,
      },
    );
  }
  try {
    const expanded = new TemplateExpander(json, problems).expand(frame, scope);
    return expanded.map((resource) => toRecord(resource, input.file));
  } catch (error) {
    if (!(error instanceof TemplateLimitError)) throw error;
    // Azure refuses a template beyond its limits whole: none of its resources is scanned.
    problems.add(PROBLEM.limitExceeded, error.message, { json, offset: error.offset ?? 0, pointer: error.pointer ?? '' });
    return [];
  }
}

/** A file's size and nesting against the limits; what exceeds them is reported at the file (or at the bracket too deep). */
function withinFileLimits(file: string, text: string, bytes: number, what: string, problems: ProblemLog): boolean {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > bytes) {
    problems.addAt(
      PROBLEM.limitExceeded,
      `the file is ${size.toLocaleString('en-US')} bytes: Azure allows ${what} at most ${bytes.toLocaleString('en-US')} (4 MB)`,
      { line: 1, column: 1 },
      file,
    );
    return false;
  }
  const deep = tooDeep(text, LIMITS.jsonDepth);
  if (deep >= 0) {
    const before = text.slice(0, deep);
    const line = before.split('\n').length;
    problems.addAt(
      PROBLEM.limitExceeded,
      `objects and arrays are nested more than ${LIMITS.jsonDepth} deep: keyscope's bound (see docs/error-handling.md)`,
      { line, column: deep - before.lastIndexOf('\n') },
      file,
    );
    return false;
  }
  return true;
}

/** Azure's counts of parameters, variables and outputs in a template (nested templates count apart, as Azure counts them). */
function withinSectionLimits(json: JsonText, problems: ProblemLog): boolean {
  const sections = [
    ['parameters', LIMITS.parameters],
    ['variables', LIMITS.variables],
    ['outputs', LIMITS.outputs],
  ] as const;
  for (const [section, limit] of sections) {
    const node = member(json.root, section);
    let count = entries(node).length;
    // Variables made by a `copy` array count one each, as their names do.
    if (section === 'variables') {
      const copies = entries(node).find(([name, , value]) => name.toLowerCase() === 'copy' && value.type === 'array');
      if (copies) count += (copies[2].children?.length ?? 0) - 1;
    }
    if (count > limit && node) {
      problems.add(PROBLEM.limitExceeded, `the template declares ${count} ${section}: Azure allows at most ${limit}`, {
        json,
        offset: node.offset,
        pointer: `/${section}`,
      });
      return false;
    }
  }
  return true;
}

/** `main.json` -> `main`: the name the Azure CLI gives a deployment by default. */
export function deploymentNameOf(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.json$/i, '');
}
