import { type Static, type TSchema, Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { AppError } from '../../lib/errors.ts';

export const TEMPLATES = ['spin-wheel', 'memory-match', 'quick-tap'] as const;
export type GameTemplate = (typeof TEMPLATES)[number];

const Color = (description: string) =>
  Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: `${description} (#rrggbb)` });

/** Settings every template understands (docs/play.md, "Templates"). */
const common = {
  primary_color: Type.Optional(Color('Buttons and key UI')),
  secondary_color: Type.Optional(Color('Accents')),
  background_color: Type.Optional(Color('Page background')),
  difficulty: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'Default 5' })),
  intro_text: Type.Optional(Type.String({ maxLength: 500, description: 'Start screen text' })),
  result_text: Type.Optional(Type.String({ maxLength: 500, description: 'Result screen text' })),
};

export const SpinWheelConfigSchema = Type.Object(
  {
    ...common,
    duration_s: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
    segments: Type.Optional(
      Type.Array(
        Type.Object(
          { label: Type.String({ minLength: 1, maxLength: 40 }) },
          { additionalProperties: false },
        ),
        {
          minItems: 2,
          maxItems: 12,
          description: 'Wheel segments, used when the prize system is off',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export const MemoryMatchConfigSchema = Type.Object(
  {
    ...common,
    duration_s: Type.Optional(
      Type.Integer({ minimum: 10, maximum: 600, description: 'Time limit, default 60' }),
    ),
    pairs: Type.Optional(Type.Integer({ minimum: 2, maximum: 12, description: 'Default 6' })),
  },
  { additionalProperties: false },
);

export const QuickTapConfigSchema = Type.Object(
  {
    ...common,
    duration_s: Type.Optional(
      Type.Integer({ minimum: 3, maximum: 60, description: 'Round length, default 10' }),
    ),
  },
  { additionalProperties: false },
);

export type SpinWheelConfig = Static<typeof SpinWheelConfigSchema>;
export type MemoryMatchConfig = Static<typeof MemoryMatchConfigSchema>;
export type QuickTapConfig = Static<typeof QuickTapConfigSchema>;
export type TemplateConfig = SpinWheelConfig | MemoryMatchConfig | QuickTapConfig;

export const TEMPLATE_CONFIG_SCHEMAS = {
  'spin-wheel': SpinWheelConfigSchema,
  'memory-match': MemoryMatchConfigSchema,
  'quick-tap': QuickTapConfigSchema,
} as const satisfies Record<GameTemplate, TSchema>;

const validators = {
  'spin-wheel': Compile(SpinWheelConfigSchema),
  'memory-match': Compile(MemoryMatchConfigSchema),
  'quick-tap': Compile(QuickTapConfigSchema),
};

export function isTemplate(value: string): value is GameTemplate {
  return (TEMPLATES as readonly string[]).includes(value);
}

/** Why `config` does not fit `template`, in one sentence, or undefined when it fits. */
export function configProblem(template: GameTemplate, config: unknown): string | undefined {
  const validator = validators[template];
  if (validator.Check(config)) return undefined;
  // "schema is false" entries repeat what the additionalProperties entry says better.
  const error = validator.Errors(config).find((e) => e.keyword !== 'boolean');
  if (!error) return `config is not valid for ${template}`;
  const path = ['config', ...error.instancePath.split('/').filter(Boolean)].join('.');
  if (error.keyword === 'additionalProperties') {
    const keys = (error.params as { additionalProperties?: string[] }).additionalProperties ?? [];
    return `${path} has unknown key(s) for ${template}: ${keys.join(', ')}`;
  }
  // The only patterns in these schemas are the colors'.
  if (error.keyword === 'pattern') return `${path} must be a color like #6d28d9`;
  return `${path} ${error.message}`;
}

/** Checks a configuration against its template's schema; throws a 400 naming the problem. */
export function assertConfig(template: GameTemplate, config: unknown): void {
  const problem = configProblem(template, config);
  if (problem) throw new AppError('validation_failed', problem);
}

export const DEFAULT_COLORS = {
  primary_color: '#6d28d9',
  secondary_color: '#f59e0b',
  background_color: '#0f172a',
} as const;

export const DEFAULT_SEGMENTS: readonly { label: string }[] = [
  'Prize 1',
  'Prize 2',
  'Prize 3',
  'Prize 4',
  'Prize 5',
  'Try again',
].map((label) => ({ label }));

// Type aliases, not interfaces: they stay assignable to Record<string, unknown>.
type FilledCommon = {
  primary_color: string;
  secondary_color: string;
  background_color: string;
  difficulty: number;
  intro_text?: string;
  result_text?: string;
};
export type FilledSpinWheelConfig = FilledCommon & {
  duration_s?: number;
  segments: { label: string }[];
};
export type FilledMemoryMatchConfig = FilledCommon & { duration_s: number; pairs: number };
export type FilledQuickTapConfig = FilledCommon & { duration_s: number };
export type FilledTemplateConfig =
  FilledSpinWheelConfig | FilledMemoryMatchConfig | FilledQuickTapConfig;

/**
 * The stored settings, each one kept only if it still fits the template's schema (a row edited
 * by hand or a template changed behind it never breaks a play page), with defaults for the rest.
 */
function knownSettings(template: GameTemplate, config: unknown): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return kept;
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    if (value !== undefined && configProblem(template, { [key]: value }) === undefined) {
      kept[key] = structuredClone(value);
    }
  }
  return kept;
}

export function withDefaults(template: 'spin-wheel', config: unknown): FilledSpinWheelConfig;
export function withDefaults(template: 'memory-match', config: unknown): FilledMemoryMatchConfig;
export function withDefaults(template: 'quick-tap', config: unknown): FilledQuickTapConfig;
export function withDefaults(template: GameTemplate, config: unknown): FilledTemplateConfig;
export function withDefaults(template: GameTemplate, config: unknown): FilledTemplateConfig {
  const kept = knownSettings(template, config);
  const base = { ...DEFAULT_COLORS, difficulty: 5 };
  switch (template) {
    case 'spin-wheel':
      return {
        ...base,
        segments: DEFAULT_SEGMENTS.map((segment) => ({ ...segment })),
        ...kept,
      };
    case 'memory-match':
      return { ...base, pairs: 6, duration_s: 60, ...kept };
    case 'quick-tap':
      return { ...base, duration_s: 10, ...kept };
  }
}
