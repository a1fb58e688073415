import { KeyscopeError, type SourcePosition } from './keyscope-error.js';

/** A rule file that cannot be used: bad YAML, a schema violation, an undeclared parameter. */
export class RuleLoadError extends KeyscopeError {
  constructor(message: string, position: SourcePosition, hint?: string) {
    super('rule-invalid', message, hint === undefined ? { position } : { position, hint });
  }
}
