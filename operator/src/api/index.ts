// The Platform API: the one zod schema, the types and defaults it gives, the CRD generated from it,
// and the condition vocabulary the operator reports with.
export { ConditionReason, ConditionStatus, ConditionType } from './conditions.js';
export { platformCrd } from './crd.js';
export { crdPath, renderCrdYaml } from './crd-yaml.js';
export { defaultTopicSpecs, type PlatformTopic, platformTopics } from './default-topics.js';
export { describeProblems, type ParseResult, type PlatformProblem, parsePlatform } from './parse.js';
export {
  type Platform,
  type PlatformInput,
  type PlatformSpec,
  type PlatformStatus,
  platformApi,
  platformApiVersion,
  platformSchema,
  platformSpecSchema,
} from './platform-schema.js';
export { webAppName } from './spec-web.js';
export { type Condition, statusSchema, type WorkloadName, workloadNames } from './status.js';
