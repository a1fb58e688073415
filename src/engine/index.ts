export { Engine, scopeFor, relationalScopeFor, type OutcomeReceiver } from './engine.js';
export { CompiledRule, type Status, type Applicability } from './rule.js';
export { type Evidence, type Scope } from './compile.js';
export { runExamples, exampleResource, EXAMPLES_AS_OF, type ExampleResult } from './examples.js';
