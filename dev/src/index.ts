export * from './stack-env.js';
