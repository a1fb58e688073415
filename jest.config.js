// Tests are compiled by `tsc` with the sources (one build, one module graph),
// then jest runs the emitted ES modules.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/dist/test'],
  testMatch: ['**/*.test.js'],
  transform: {},
  testTimeout: 60000,
};
