import { KeyscopeError, type SourcePosition } from './keyscope-error.js';

/** A configuration value (keyscope.yaml, --param, an exemptions file) that is wrong. */
export class ConfigError extends KeyscopeError {
  constructor(message: string, options: { position?: SourcePosition; hint?: string } = {}) {
    super('config-invalid', message, options);
  }
}
