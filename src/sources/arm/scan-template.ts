import type { Resource, ScanProblem } from '../../model/index.js';
import { TemplateExpander } from './expand.js';
import { JsonSyntaxError, member, parseJsonText, type JsonText } from './json-text.js';
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
  const expanded = new TemplateExpander(json, problems).expand(frame, scope);
  return expanded.map((resource) => toRecord(resource, input.file));
}

/** `main.json` -> `main`: the name the Azure CLI gives a deployment by default. */
export function deploymentNameOf(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.json$/i, '');
}
