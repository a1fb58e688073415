export * from './types.js';
export { loadRules, parseRule, builtinRulesDir, builtinProfilesDir, type LoadedRules } from './load.js';
export {
  resolveParameters,
  parseParameterText,
  parameterProblem,
  ParameterOverrideError,
  type ParameterValues,
  type ParameterOverride,
} from './parameters.js';
export { parseYamlSource, type YamlSource } from './yaml-source.js';
export { validateSource, schemaMessages, closest } from './schema-validation.js';
export {
  loadConfig,
  readYamlFile,
  matchesGlob,
  ConfigErrors,
  DEFAULT_CONFIG_FILE,
  type KeyscopeConfig,
  type ProfileChoice,
  type ProfileDeclaration,
  type ProfileSpec,
  type RuleChoice,
  type RuleSelector,
} from './config.js';
export {
  ProfileCatalog,
  PROFILE_BUNDLE,
  bundleProfiles,
  applicabilityByRule,
  isProfilePath,
  readProfileFile,
  resolveProfile,
  type ProfileApplicability,
  type ResolvedProfile,
} from './profiles.js';
