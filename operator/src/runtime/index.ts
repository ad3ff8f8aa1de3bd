/** The operator's controller runtime: what the reconcilers and `main.ts` use. */
export { ApiClient, ApiError, isConflict, isGone, isNotFound, patchTypes } from './api-client.js';
export { Applier, type ApplyOutcome, fieldManagerConflictReason, type Owner } from './apply.js';
export {
  type Condition,
  type ConditionInput,
  type ConditionStatus,
  findCondition,
  isConditionTrue,
  removeCondition,
  setCondition,
} from './conditions.js';
export { ConfigError, type OperatorConfig, operatorEnv, parseConfig } from './config.js';
export {
  Controller,
  type ControllerOptions,
  type ReconcileContext,
  type ReconcileResult,
  type Reconciler,
  TerminalError,
} from './controller.js';
export { CrdMissingError, type CrdRequirement, checkCrds } from './crd-check.js';
export { desiredHash, desiredHashAnnotation } from './desired-hash.js';
export { type EventInput, EventRecorder, type EventType } from './event-recorder.js';
export { LeaderElector } from './leader-election.js';
export { createLogger, type Logger, objectRef } from './logger.js';
export { Manager, type ManagerOptions } from './manager.js';
export { createRuntimeMetrics, type RuntimeMetrics } from './metrics.js';
export { managedByLabel, managedByValue, managedSelector, ownerKeyOf, ownerNameLabel } from './ownership.js';
export { isOwnedBy, prune } from './prune.js';
export { type KubeObject, kinds, type ObjectKey, type ResourceKind } from './resource-kind.js';
export { SharedInformers } from './shared-informers.js';
export { type Status, StatusWriter } from './status-writer.js';
