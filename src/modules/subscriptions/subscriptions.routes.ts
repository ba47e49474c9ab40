import type { Deps } from '../../deps.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import {
  currentProperty,
  propertyAuthErrors,
  PropertyHeaders,
  propertySecurity,
  requirePropertyAccess,
} from '../auth/index.ts';
import {
  addDoNotContact,
  listDoNotContact,
  lookupDoNotContact,
  MAX_DNC_ENTRIES,
  removeDoNotContact,
  removeDoNotContactHash,
} from './subscriptions.dnc.ts';
import {
  AddBody,
  AddResponse,
  HashParams,
  ListQuery,
  ListResponse,
  LookupBody,
  LookupResponse,
  RemoveBody,
  RemoveResponse,
  SetSubscriptionsBody,
  SetSubscriptionsResponse,
} from './subscriptions.schemas.ts';
import { MAX_MEMBERS_PER_CALL, setSubscriptions } from './subscriptions.service.ts';

const tags = ['Compliance'];
const security = propertySecurity;
const headers = PropertyHeaders;
const NORMALIZED =
  'Phones are normalized to E.164 (a US number may omit +1), emails lower-cased, and only the SHA-256 of each is stored: the list can be searched, never read back as addresses. ' +
  "A player_id is the casino's id; PlayLoop's id of one of the property's players stands for that player's casino id.";

/** A full batch (1000 entries of the longest identifiers and notes) fits; more is a 413. */
const BATCH_BODY_LIMIT = 1024 * 1024;

/** Subscription memberships and the property's do-not-contact list. */
export function subscriptionRoutes(app: App, deps: Deps): void {
  const read = requirePropertyAccess(deps, 'read');
  const write = requirePropertyAccess(deps, 'write');
  const bodyLimit = Math.max(BATCH_BODY_LIMIT, deps.config.bodyLimitBytes);

  app.post(
    '/api/functions/set-subscriptions',
    {
      onRequest: write,
      bodyLimit,
      schema: {
        operationId: 'subscriptions.set',
        summary: 'Subscribe or unsubscribe players of a group',
        description:
          `Sets up to ${MAX_MEMBERS_PER_CALL} players in (\`subscribed: true\`) or out of a subscription group (\`GET /api/subscription_groups\`); read memberships back with \`GET /api/subscription_members\`. ` +
          'The pre-send check (`tcpa-check` with `subscription_group_id`) skips players who are unsubscribed (`unsubscribed_group`) or not in the group (`not_in_group`). ' +
          "Players the property does not have are listed in `unknown`, the others are set. `changed_at` moves only when a player's choice changes. A group of another property is 404.",
        tags,
        security,
        headers,
        body: SetSubscriptionsBody,
        response: { 200: SetSubscriptionsResponse, ...propertyAuthErrors, ...errorResponses(413) },
      },
    },
    async (request) => ({
      success: true as const,
      data: await setSubscriptions(deps, currentProperty(request).id, request.body),
    }),
  );

  app.get(
    '/api/do-not-contact',
    {
      onRequest: read,
      schema: {
        operationId: 'doNotContact.list',
        summary: "The property's do-not-contact list",
        description:
          'Entries newest first: the hash of each phone, email or player id, its note and when it was listed. Page with `limit` and `offset`, or with `before` = the `next_before` of the previous page. ' +
          'Erasure and self-exclusion suppressions are not part of this list (see do-not-contact-lookup).',
        tags,
        security,
        headers,
        querystring: ListQuery,
        response: { 200: ListResponse, ...propertyAuthErrors },
      },
    },
    async (request) => {
      const page = await listDoNotContact(deps, currentProperty(request).id, request.query);
      return {
        success: true as const,
        data: page.entries,
        total: page.total,
        next_before: page.next_before,
      };
    },
  );

  app.post(
    '/api/do-not-contact',
    {
      onRequest: write,
      bodyLimit,
      schema: {
        operationId: 'doNotContact.add',
        summary: 'Add phones, emails or players to the do-not-contact list',
        description:
          `Lists up to ${MAX_DNC_ENTRIES} entries, each exactly one of phone, email or player_id, with an optional note. The pre-send check then skips them for every purpose (\`do_not_contact\`), transactional included. ` +
          `Adding one already listed changes nothing. An invalid entry fails the request, naming it (\`entries[3]: …\`). ${NORMALIZED}`,
        tags,
        security,
        headers,
        body: AddBody,
        response: { 200: AddResponse, ...propertyAuthErrors, ...errorResponses(413) },
      },
    },
    async (request) => ({
      success: true as const,
      data: await addDoNotContact(deps, currentProperty(request).id, request.body.entries),
    }),
  );

  app.delete(
    '/api/do-not-contact',
    {
      onRequest: write,
      bodyLimit,
      schema: {
        operationId: 'doNotContact.remove',
        summary: 'Take phones, emails or players off the do-not-contact list',
        description: `Removes up to ${MAX_DNC_ENTRIES} entries named as when they were added. Only this list's entries are removed: a suppression from an erasure or a self-exclusion stays. ${NORMALIZED}`,
        tags,
        security,
        headers,
        body: RemoveBody,
        response: { 200: RemoveResponse, ...propertyAuthErrors, ...errorResponses(413) },
      },
    },
    async (request) => ({
      success: true as const,
      data: await removeDoNotContact(deps, currentProperty(request).id, request.body.entries),
    }),
  );

  app.delete(
    '/api/do-not-contact/:hash',
    {
      onRequest: write,
      schema: {
        operationId: 'doNotContact.removeHash',
        summary: 'Take one entry off the do-not-contact list by its hash',
        description:
          'Removes the entry with this hash (as `GET /api/do-not-contact` lists it); 404 when the list does not hold it. Suppressions from an erasure or a self-exclusion stay.',
        tags,
        security,
        headers,
        params: HashParams,
        response: { 200: RemoveResponse, ...propertyAuthErrors },
      },
    },
    async (request) => ({
      success: true as const,
      data: await removeDoNotContactHash(deps, currentProperty(request).id, request.params.hash),
    }),
  );

  app.post(
    '/api/functions/do-not-contact-lookup',
    {
      onRequest: read,
      schema: {
        operationId: 'doNotContact.lookup',
        summary: 'Is this phone, email or player blocked?',
        description:
          'Answers whether a suppression blocks messages to the identifier, and which: `do_not_contact` (this list, every purpose), `erased` or `self_excluded` (marketing). ' +
          `A player named by id is looked up by the phone, email and casino id of their profile too. ${NORMALIZED}`,
        tags,
        security,
        headers,
        body: LookupBody,
        response: { 200: LookupResponse, ...propertyAuthErrors },
      },
    },
    async (request) => ({
      success: true as const,
      data: await lookupDoNotContact(deps, currentProperty(request).id, request.body),
    }),
  );
}
