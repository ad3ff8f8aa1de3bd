export * from './cluster.js';
export * from './stack-env.js';
