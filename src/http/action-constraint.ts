import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ConstraintStrategy, Handler, HTTPVersion } from 'find-my-way';
import { AppError } from '../lib/errors.ts';

/**
 * DailyPlay multiplexes one path on the `action` query parameter
 * (`POST /api/org-api-keys?action=create-session`). This router constraint lets each action be
 * its own route with its own schema; requests without a matching action fall through to the
 * route registered without the constraint.
 */
export const actionConstraint: ConstraintStrategy<HTTPVersion.V1, string> = {
  name: 'action',
  storage() {
    const handlers = new Map<string, Handler<HTTPVersion.V1>>();
    return {
      get: (action: string) => handlers.get(action) ?? null,
      set: (action: string, store: Handler<HTTPVersion.V1>) => void handlers.set(action, store),
    };
  },
  // find-my-way treats a falsy derived value as "no constraint" and picks the plain route.
  deriveConstraint(req: IncomingMessage): string {
    return actionOf(req.url ?? '') ?? '';
  },
  mustMatchWhenDerived: false,
  validate(value: unknown) {
    if (typeof value !== 'string') throw new Error('the action constraint must be a string');
  },
};

/** The `action` query parameter of a raw URL: null when absent. */
function actionOf(url: string): string | null {
  const q = url.indexOf('?');
  return q < 0 ? null : new URLSearchParams(url.slice(q + 1)).get('action');
}

/**
 * A request whose `action` names no route of its method (`?action=create-sesion`) would fall
 * through to the route registered without the constraint and be answered by it (a 401
 * "Missing bearer token" from the key management routes). This records the actions routed per
 * path and method, and answers such a request 400 with the valid ones, before any
 * authentication. Call before the routes are registered.
 */
export function rejectUnknownActions(app: FastifyInstance): void {
  /** path -> action -> methods */
  const routed = new Map<string, Map<string, Set<string>>>();
  app.addHook('onRoute', (route) => {
    const action = (route.constraints as { action?: unknown } | undefined)?.action;
    if (typeof action !== 'string') return;
    const byAction = routed.get(route.url) ?? new Map<string, Set<string>>();
    routed.set(route.url, byAction);
    const methods = byAction.get(action) ?? new Set<string>();
    byAction.set(action, methods);
    for (const method of [route.method].flat()) methods.add(method);
  });
  app.addHook('onRequest', (request, _reply, done) => {
    done(unknownAction(request, routed));
  });
}

function unknownAction(
  request: FastifyRequest,
  routed: Map<string, Map<string, Set<string>>>,
): AppError | undefined {
  const byAction = routed.get(request.routeOptions.url ?? '');
  if (!byAction) return undefined;
  const given = actionOf(request.url);
  if (given === null || byAction.get(given)?.has(request.method)) return undefined;
  const valid = [...byAction].map(([action, methods]) => ({
    action,
    methods: [...methods].filter((m) => m !== 'HEAD'),
  }));
  const listed = valid.map((v) => `${v.action} (${v.methods.join(', ')})`).join(', ');
  const path = request.routeOptions.url ?? '';
  const known = byAction.has(given);
  return new AppError(
    'bad_request',
    known
      ? `action=${given} is not a ${request.method} action on ${path}; valid actions: ${listed}`
      : `Unknown action "${given}" on ${path}; valid actions: ${listed}`,
    { valid_actions: valid },
  );
}
