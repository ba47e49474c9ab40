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
