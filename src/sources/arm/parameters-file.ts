import type { Node } from 'jsonc-parser';
import { isExpression } from './expression-parser.js';
import { entries, JsonSyntaxError, member, nodeValue, parseJsonText, pointerSegment, type JsonText } from './json-text.js';
import { PROBLEM, type ProblemLog } from './problems.js';
import { Unknown } from './values.js';

/** A parameter value from a parameters file, and where it is written. */
export interface GivenParameter {
  name: string;
  value: unknown;
  json: JsonText;
  key: Node;
  pointer: string;
}

/**
 * Reads a deployment parameters file (`deploymentParameters.json`, or a
 * `.bicepparam` compiled with `bicep build-params`): `{ "parameters": {
 * "name": { "value": ... } } }`. A Key Vault `reference` is a secret read at
 * deployment, so its value is unknown; so is an expression left in a
 * compiled `.bicepparam` (it reads external inputs at deployment). Returns
 * undefined, with a problem reported, when the file cannot be used.
 */
export function readParametersFile(file: string, text: string, problems: ProblemLog): GivenParameter[] | undefined {
  let json: JsonText;
  try {
    json = parseJsonText(file, text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    problems.addAt(PROBLEM.parametersInvalid, error.message, { line: error.line, column: error.column }, file);
    return undefined;
  }
  const root = json.root;
  const schema = member(root, '$schema');
  if (typeof schema?.value === 'string' && /deploymentTemplate\.json/i.test(schema.value)) {
    problems.add(PROBLEM.parametersInvalid, 'this is a deployment template, not a parameters file', {
      json,
      offset: schema.offset,
      pointer: '/$schema',
    });
    return undefined;
  }
  const wrapped = member(root, 'parameters');
  const parametersNode = wrapped ?? root;
  const base = wrapped ? '/parameters' : '';
  if (parametersNode.type !== 'object') {
    problems.add(PROBLEM.parametersInvalid, 'expected an object of parameters ({ "parameters": { "name": { "value": ... } } })', {
      json,
      offset: parametersNode.offset,
      pointer: base,
    });
    return undefined;
  }
  const compiledBicepParam = member(root, 'externalInputDefinitions') !== undefined;
  const given: GivenParameter[] = [];
  let valid = true;
  for (const [name, key, wrapper] of entries(parametersNode)) {
    if (!wrapped && name.startsWith('$')) continue;
    const pointer = base + pointerSegment(name);
    const valueNode = member(wrapper, 'value');
    if (valueNode) {
      const value =
        compiledBicepParam && valueNode.type === 'string' && isExpression(valueNode.value as string)
          ? new Unknown(`the parameter '${name}' is an external input read at deployment`)
          : nodeValue(valueNode);
      given.push({ name, value, json, key, pointer });
    } else if (member(wrapper, 'reference')) {
      given.push({ name, value: new Unknown(`the parameter '${name}' is a Key Vault secret read at deployment`), json, key, pointer });
    } else {
      problems.add(PROBLEM.parametersInvalid, `the parameter '${name}' has neither 'value' nor 'reference'`, {
        json,
        offset: key.offset,
        pointer,
      });
      valid = false;
    }
  }
  return valid ? given : undefined;
}
