export { subscriptionRoutes } from './subscriptions.routes.ts';
export {
  createGroups,
  deleteGroupsWhere,
  GROUP_TABLE,
  listGroups,
  listMembers,
  MAX_GROUPS_PER_PROPERTY,
  MAX_MEMBERS_PER_CALL,
  MEMBER_TABLE,
  setSubscriptions,
  updateGroupsWhere,
} from './subscriptions.service.ts';
export { addDoNotContact, MAX_DNC_ENTRIES } from './subscriptions.dnc.ts';
