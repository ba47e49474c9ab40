import type { IncomingMessage } from 'node:http';
import type { ConstraintStrategy, Handler, HTTPVersion } from 'find-my-way';

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
    const url = req.url ?? '';
    const q = url.indexOf('?');
    if (q < 0) return '';
    return new URLSearchParams(url.slice(q + 1)).get('action') ?? '';
  },
  mustMatchWhenDerived: false,
  validate(value: unknown) {
    if (typeof value !== 'string') throw new Error('the action constraint must be a string');
  },
};
