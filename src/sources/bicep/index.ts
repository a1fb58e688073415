export { BicepSource, BICEP_PROBLEM } from './bicep-source.js';
export {
  BicepCompiler,
  findBicep,
  parseDiagnostics,
  BICEP_SEARCH,
  BICEP_INSTALL,
  type BicepCli,
  type BicepDiagnostic,
  type CompileResult,
} from './bicep-cli.js';
export { discoverBicep, compiledFrom, type BicepDiscovery } from './discover.js';
export { BicepLocator, type BicepFile } from './locate.js';
export {
  readBicep,
  type BicepText,
  type BicepDeclaration,
  type BicepObject,
  type BicepArray,
  type BicepEntry,
  type BicepPoint,
} from './bicep-text.js';
