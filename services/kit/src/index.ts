export * from './service-catalogue.js';
