export { Engine, scopeFor, type OutcomeReceiver } from './engine.js';
export { CompiledRule, type Status } from './rule.js';
export { type Evidence, type Scope } from './compile.js';
export { runExamples, type ExampleResult } from './examples.js';
