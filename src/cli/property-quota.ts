import { isUuid, recountPropertyUsage, setPropertyQuota } from '../modules/properties/index.ts';
import { optional, required, UsageError, type Values } from './args.ts';
import type { Command } from './commands.ts';

const count = (n: number) => n.toLocaleString('en-US');

/** `--rows N` / `--bytes N`: a whole number from 0, or `default` for the install default. */
function limit(values: Values, name: string): number | null | undefined {
  const raw = optional(values, name)?.trim();
  if (raw === undefined) return undefined;
  if (raw.toLowerCase() === 'default') return null;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw new UsageError(`--${name} must be a whole number from 0 or "default", got "${raw}"`);
  }
  return value;
}

export const propertySetQuota: Command = {
  name: 'property set-quota',
  usage: '--property UUID [--rows N|default] [--bytes N|default]',
  options: ['property', 'rows', 'bytes'],
  prepare(values) {
    const propertyId = required(values, 'property').trim();
    if (!isUuid(propertyId)) throw new UsageError('--property must be a property id (uuid)');
    const maxRows = limit(values, 'rows');
    const maxBytes = limit(values, 'bytes');
    return async (deps) => {
      const usage = await setPropertyQuota(deps, propertyId, { maxRows, maxBytes });
      return {
        json: { property_id: propertyId.toLowerCase(), ...usage },
        text:
          `property ${propertyId.toLowerCase()} stores ${count(usage.rows)} of ${count(usage.max_rows)} players ` +
          `and ${count(usage.bytes)} of ${count(usage.max_bytes)} bytes`,
      };
    };
  },
};

export const propertyRecountUsage: Command = {
  name: 'property recount-usage',
  usage: '[--property UUID]',
  options: ['property'],
  prepare(values) {
    const propertyId = optional(values, 'property')?.trim();
    if (propertyId !== undefined && !isUuid(propertyId)) {
      throw new UsageError('--property must be a property id (uuid)');
    }
    return async (deps) => {
      const changed = await recountPropertyUsage(deps, propertyId);
      return {
        json: { property_id: propertyId?.toLowerCase() ?? null, changed },
        text: `recounted ${propertyId ? `property ${propertyId.toLowerCase()}` : 'every property'}: ${changed} counter(s) corrected`,
      };
    };
  },
};
