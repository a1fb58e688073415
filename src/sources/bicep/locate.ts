import path from 'node:path';
import type { SourcePoint, TemplateOrigin } from '../../model/index.js';
import { readBicep, type BicepArray, type BicepDeclaration, type BicepObject, type BicepPoint, type BicepText } from './bicep-text.js';

/** A `.bicep` file: where it is on disk and how reports name it. */
export interface BicepFile {
  path: string;
  file: string;
}

/** Where a resource of the compiled template is declared in Bicep. */
interface Declared {
  file: BicepFile;
  declaration?: BicepDeclaration;
  /** The pointer of the compiled resource the declaration's body describes. */
  pointer?: string;
}

/** `/resources/a~1b` -> `['resources', 'a/b']`. */
function segmentsOf(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const encode = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** Module paths Bicep fetches from a registry or template spec: their source is not beside the file. */
const REMOTE_MODULE = /^(br[:/]|ts[:/])/i;

/**
 * Maps what the template evaluator located in the compiled JSON back to the
 * Bicep source. A resource goes to its `resource` declaration by symbolic
 * name (language version 2.0), through `module` declarations into the local
 * module files; a property to its key inside the declaration's body when it
 * is written there literally. The compiled positions are kept as `compiled`.
 */
export class BicepLocator {
  private readonly texts = new Map<string, BicepText | undefined>();

  constructor(
    private readonly root: BicepFile,
    private readonly read: (file: string) => string | undefined,
  ) {}

  /** The parsed Bicep of a file, or undefined when it cannot be read. */
  textOf(file: string): BicepText | undefined {
    if (!this.texts.has(file)) {
      const source = this.read(file);
      this.texts.set(file, source === undefined ? undefined : readBicep(source));
    }
    return this.texts.get(file);
  }

  /** The origin of a record built from the compiled template, placed in Bicep. */
  locate(origin: TemplateOrigin, type: string): TemplateOrigin {
    const declared = this.declarationOf(origin.pointer ?? '', type);
    const where: BicepPoint = declared.declaration ?? { line: 1, column: 1 };
    const compiledOf = (point: SourcePoint): SourcePoint => ({
      line: point.line,
      column: point.column,
      ...(point.pointer !== undefined ? { pointer: point.pointer } : {}),
    });
    const located: TemplateOrigin = {
      kind: 'arm',
      file: declared.file.file,
      line: where.line,
      column: where.column,
      compiled: { line: origin.line, column: origin.column, ...(origin.pointer !== undefined ? { pointer: origin.pointer } : {}) },
      ...(origin.via ? { via: origin.via } : {}),
    };
    const body = declared.declaration?.body;
    // Properties belong to the declaration only when it is the resource itself, not the module that deploys it.
    if (origin.properties && body && declared.pointer !== undefined && declared.pointer === origin.pointer) {
      const properties: Record<string, SourcePoint> = {};
      for (const [property, point] of Object.entries(origin.properties)) {
        const pointer = point.pointer;
        if (pointer === undefined || !pointer.startsWith(`${declared.pointer}/`)) continue;
        const written = find(body, segmentsOf(pointer.slice(declared.pointer.length)));
        if (written) properties[property] = { line: written.line, column: written.column, compiled: compiledOf(point) };
      }
      located.properties = properties;
    }
    return located;
  }

  /** The problem's position in Bicep for a compiled pointer (`/parameters/name`, `/resources/vault/...`), if it has one. */
  pointAt(pointer: string, type = ''): { file: string; line: number; column: number } | undefined {
    const segments = segmentsOf(pointer);
    if (segments[0] === 'parameters' && segments[1] !== undefined) {
      const param = this.textOf(this.root.path)?.params.get(segments[1]);
      return param ? { file: this.root.file, ...param } : undefined;
    }
    if (segments[0] !== 'resources') return undefined;
    const declared = this.declarationOf(pointer, type);
    return declared.declaration
      ? { file: declared.file.file, line: declared.declaration.line, column: declared.declaration.column }
      : undefined;
  }

  /**
   * Follows `/resources/<name>` steps, and `/properties/template/resources/<name>`
   * into a module's file, as far as the Bicep source goes.
   */
  private declarationOf(pointer: string, type: string): Declared {
    const segments = segmentsOf(pointer);
    let file = this.root;
    let declared: Declared = { file };
    let prefix = '';
    let i = 0;
    while (segments[i] === 'resources' && segments[i + 1] !== undefined) {
      const name = segments[i + 1]!;
      const text = this.textOf(file.path);
      if (!text) return declared;
      prefix += `/resources/${encode(name)}`;
      const declaration = /^\d+$/.test(name) ? byType(text, type, segments.length === i + 2) : byName(text, name);
      if (!declaration) return declared;
      declared = { file, declaration, pointer: prefix };
      i += 2;
      const intoModule = segments[i] === 'properties' && segments[i + 1] === 'template' && segments[i + 2] === 'resources';
      if (!intoModule) break;
      if (declaration.keyword !== 'module' || REMOTE_MODULE.test(declaration.target) || !/\.bicep$/i.test(declaration.target)) break;
      const modulePath = path.resolve(path.dirname(file.path), declaration.target);
      if (!this.textOf(modulePath)) break;
      file = { path: modulePath, file: path.join(path.dirname(file.file), declaration.target) };
      prefix += '/properties/template';
      i += 2;
    }
    return declared;
  }
}

function byName(text: BicepText, name: string): BicepDeclaration | undefined {
  return (
    text.declarations.find((declaration) => declaration.name === name) ??
    text.declarations.find((declaration) => declaration.name.toLowerCase() === name.toLowerCase())
  );
}

/**
 * Language version 1.0 keeps no symbolic names: the only declaration of the
 * record's type (a module's, for a nested deployment) is the one, when there
 * is exactly one; several of the type leave the file's own position.
 */
function byType(text: BicepText, type: string, last: boolean): BicepDeclaration | undefined {
  const wanted = last ? type.toLowerCase() : 'microsoft.resources/deployments';
  const matches = text.declarations.filter((declaration) =>
    declaration.existing
      ? false
      : declaration.keyword === 'module'
        ? wanted === 'microsoft.resources/deployments'
        : declaration.target.split('@')[0]!.toLowerCase() === wanted,
  );
  return matches.length === 1 ? matches[0] : undefined;
}

/** The key a path of compiled segments names in a body, when every step is written literally. */
function find(body: BicepObject, segments: readonly string[]): BicepPoint | undefined {
  let node: BicepObject | BicepArray | undefined = body;
  let point: BicepPoint | undefined;
  for (const segment of segments) {
    if (!node) return undefined;
    if (node.kind === 'object') {
      const entry: BicepObject['entries'] extends Map<string, infer E> ? E | undefined : never = node.entries.get(segment.toLowerCase());
      if (!entry) return undefined;
      point = entry;
      node = entry.value;
    } else {
      const item: BicepArray['items'][number] | undefined = /^\d+$/.test(segment) ? node.items[Number(segment)] : undefined;
      if (!item) return undefined;
      point = item;
      node = item.value;
    }
  }
  return point;
}
