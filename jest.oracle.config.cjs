// Oracle tests: regenerate and re-check golden data against capstone on large inputs (run by .ci/run).
const base = require('./jest.config.cjs');
/** @type {import('jest').Config} */
module.exports = { ...base, testPathIgnorePatterns: [], testMatch: ['**/oracle/**/*.test.ts'], testTimeout: 3600000 };
