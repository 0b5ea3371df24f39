// The stand-ins live in src/sandbox: one implementation serves the tests and the sandbox.
export * from '../../src/sandbox/stand-in.js';
