export { KeyscopeError, formatPosition, type SourcePosition } from './keyscope-error.js';
export { RuleLoadError } from './rule-load-error.js';
export { ConfigError } from './config-error.js';
export { InputError } from './input-error.js';
export { UsageError } from './usage-error.js';
