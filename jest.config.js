/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // Integration tests start real servers (redis-server, dynalite, emulators): give them room,
  // and keep to the two cores these machines have.
  testTimeout: 60000,
  maxWorkers: 2,
};
