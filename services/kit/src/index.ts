export * from './service-catalogue.js';
export * from './service-env.js';
