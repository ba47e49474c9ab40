export { classifyReply, normalizeReply, type ReplyIntent } from './compliance.keywords.ts';
export { placeOfPhone, type PhonePlace } from './compliance.phone.ts';
export {
  isTimeZone,
  quietHours,
  type QuietHoursDecision,
  recipientZones,
  US_TIME_ZONES,
} from './compliance.quiet-hours.ts';
export { FEDERAL_RULE, STATE_RULES, type StateRule, strictestRule } from './compliance.states.ts';
export {
  CONSENT_TABLE,
  type ConsentInput,
  DECISION_TABLE,
  INBOUND_TABLE,
  listConsents,
  listInboundMessages,
  listDecisions,
  MAX_CONSENT_BATCH,
  normalizeAddress,
  recordConsents,
} from './compliance.consents.ts';
export {
  checkRecipients,
  type CheckRequest,
  type Decision,
  MAX_RECIPIENTS,
} from './compliance.check.ts';
export {
  suppressionHash,
  suppressionHashes,
  type SuppressionKind,
} from './compliance.suppression.ts';
export { CheckBody, complianceRoutes, ConsentBody, RecordBody } from './compliance.routes.ts';
export { inboundSmsRoutes } from './compliance.inbound.routes.ts';
export { reviewReply } from './compliance.inbound.ts';
export {
  maskAddress,
  unsubscribe,
  unsubscribeHeaders,
  unsubscribePage,
  type UnsubscribeTarget,
  unsubscribeToken,
  unsubscribeUrl,
} from './compliance.unsubscribe.ts';
export { unsubscribeRoutes } from './compliance.unsubscribe.routes.ts';
export { getSettings, updateSettings } from './compliance.settings.ts';
