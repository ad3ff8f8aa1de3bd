/** The operator as a library: the Platform API, the pure builders, and the operator itself. */
export * from './api/index.js';
export { platformAnnotations } from './pki/annotations.js';
export { certificateName, identityNames } from './pki/identities.js';
export { parseRenewRequest, renewRequestValue } from './pki/renew-request.js';
export { type Operator, type OperatorOptions, startOperator } from './reconcile/platform-operator.js';
export { type DesiredObject, desiredWorkloads } from './render/desired-workloads.js';
export type { RenderOptions } from './render/render-context.js';
