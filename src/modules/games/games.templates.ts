import { type Static, type TSchema, Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { AppError } from '../../lib/errors.ts';

export const TEMPLATES = [
  'spin-wheel',
  'memory-match',
  'quick-tap',
  'scratch-card',
  'grid-box-reveal',
] as const;
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
  // Branding overrides (else the organization's branding, src/modules/branding).
  logo_asset: Type.Optional(
    Type.String({ format: 'uuid', description: "An uploaded image of the game's organization" }),
  ),
  background_asset: Type.Optional(
    Type.String({ format: 'uuid', description: "An uploaded image of the game's organization" }),
  ),
  background_gradient: Type.Optional(
    Type.Object(
      {
        from: Color('First colour'),
        to: Color('Second colour'),
        angle: Type.Integer({ minimum: 0, maximum: 360 }),
      },
      { additionalProperties: false },
    ),
  ),
  font: Type.Optional(
    Type.Enum(['system', 'rounded', 'serif', 'slab', 'condensed', 'mono'], {
      description: 'A font of the safe list',
    }),
  ),
  leaderboard: Type.Optional(
    Type.Boolean({ description: 'Skill games: show the player their rank, default false' }),
  ),
  cta_text: Type.Optional(
    Type.String({ minLength: 1, maxLength: 40, description: 'Result screen button text' }),
  ),
  cta_url: Type.Optional(
    Type.String({ minLength: 1, maxLength: 500, description: 'Result screen button link' }),
  ),
};

const segments = (description: string) =>
  Type.Optional(
    Type.Array(
      Type.Object(
        { label: Type.String({ minLength: 1, maxLength: 40 }) },
        { additionalProperties: false },
      ),
      { minItems: 2, maxItems: 12, description },
    ),
  );

export const SpinWheelConfigSchema = Type.Object(
  {
    ...common,
    duration_s: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
    segments: segments('Wheel segments, used when the prize system is off'),
  },
  { additionalProperties: false },
);

export const ScratchCardConfigSchema = Type.Object(
  {
    ...common,
    duration_s: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
    segments: segments('What a card can reveal, used when the prize system is off'),
    cover_color: Type.Optional(Color('The scratch-off cover')),
    reveal_percent: Type.Optional(
      Type.Integer({
        minimum: 30,
        maximum: 90,
        description: 'How much of the cover must be scratched off to reveal the card, default 50',
      }),
    ),
  },
  { additionalProperties: false },
);

export const GRID_BOXES = [4, 6, 9] as const;

export const GridBoxRevealConfigSchema = Type.Object(
  {
    ...common,
    duration_s: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
    segments: segments('What the boxes can hold, used when the prize system is off'),
    boxes: Type.Optional(
      Type.Union(
        GRID_BOXES.map((n) => Type.Literal(n)),
        { description: 'Boxes to pick from: 4, 6 or 9 (default 9)' },
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
export type ScratchCardConfig = Static<typeof ScratchCardConfigSchema>;
export type GridBoxRevealConfig = Static<typeof GridBoxRevealConfigSchema>;
export type TemplateConfig =
  SpinWheelConfig | MemoryMatchConfig | QuickTapConfig | ScratchCardConfig | GridBoxRevealConfig;

export const TEMPLATE_CONFIG_SCHEMAS = {
  'spin-wheel': SpinWheelConfigSchema,
  'memory-match': MemoryMatchConfigSchema,
  'quick-tap': QuickTapConfigSchema,
  'scratch-card': ScratchCardConfigSchema,
  'grid-box-reveal': GridBoxRevealConfigSchema,
} as const satisfies Record<GameTemplate, TSchema>;

const validators = {
  'spin-wheel': Compile(SpinWheelConfigSchema),
  'memory-match': Compile(MemoryMatchConfigSchema),
  'quick-tap': Compile(QuickTapConfigSchema),
  'scratch-card': Compile(ScratchCardConfigSchema),
  'grid-box-reveal': Compile(GridBoxRevealConfigSchema),
};

export function isTemplate(value: string): value is GameTemplate {
  return (TEMPLATES as readonly string[]).includes(value);
}

/** Why `config` does not fit `template`, in one sentence, or undefined when it fits. */
export function configProblem(template: GameTemplate, config: unknown): string | undefined {
  const validator = validators[template];
  if (validator.Check(config)) return ctaProblem(config);
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
  if (path === 'config.boxes') return `${path} must be 4, 6 or 9`;
  return `${path} ${error.message}`;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** The result screen's call to action: text and link both or neither, the link http(s). */
function ctaProblem(config: { cta_text?: string; cta_url?: string }): string | undefined {
  const { cta_text: text, cta_url: url } = config;
  if ((text === undefined) !== (url === undefined)) {
    return 'config.cta_text and config.cta_url must be set together';
  }
  if (url !== undefined && !isHttpUrl(url)) return 'config.cta_url must be an http or https URL';
  return undefined;
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
  leaderboard?: boolean;
  cta_text?: string;
  cta_url?: string;
};
export type FilledSpinWheelConfig = FilledCommon & {
  duration_s?: number;
  segments: { label: string }[];
};
export type FilledMemoryMatchConfig = FilledCommon & { duration_s: number; pairs: number };
export type FilledQuickTapConfig = FilledCommon & { duration_s: number };
export type FilledScratchCardConfig = FilledSpinWheelConfig & {
  cover_color: string;
  reveal_percent: number;
};
export type FilledGridBoxRevealConfig = FilledSpinWheelConfig & { boxes: number };
export type FilledTemplateConfig =
  | FilledSpinWheelConfig
  | FilledMemoryMatchConfig
  | FilledQuickTapConfig
  | FilledScratchCardConfig
  | FilledGridBoxRevealConfig;

/** The lucky draws: the server draws the outcome at completion and stores `segment_index`. */
export const LUCKY_DRAWS: readonly GameTemplate[] = [
  'spin-wheel',
  'scratch-card',
  'grid-box-reveal',
];

export function isLuckyDraw(template: string): boolean {
  return (LUCKY_DRAWS as readonly string[]).includes(template);
}

/**
 * The stored settings, each one kept only if it still fits the template's schema (a row edited
 * by hand or a template changed behind it never breaks a play page), with defaults for the rest.
 */
function knownSettings(template: GameTemplate, config: unknown): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return kept;
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    if (value === undefined || !validators[template].Check({ [key]: value })) continue;
    if (key === 'cta_url' && !isHttpUrl(value)) continue;
    kept[key] = structuredClone(value);
  }
  // A call to action is its text and its link, or nothing.
  if ((kept.cta_text === undefined) !== (kept.cta_url === undefined)) {
    delete kept.cta_text;
    delete kept.cta_url;
  }
  return kept;
}

export function withDefaults(template: 'spin-wheel', config: unknown): FilledSpinWheelConfig;
export function withDefaults(template: 'memory-match', config: unknown): FilledMemoryMatchConfig;
export function withDefaults(template: 'quick-tap', config: unknown): FilledQuickTapConfig;
export function withDefaults(template: 'scratch-card', config: unknown): FilledScratchCardConfig;
export function withDefaults(
  template: 'grid-box-reveal',
  config: unknown,
): FilledGridBoxRevealConfig;
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
    case 'scratch-card':
      return {
        ...base,
        segments: DEFAULT_SEGMENTS.map((segment) => ({ ...segment })),
        cover_color: '#a8a29e',
        reveal_percent: 50,
        ...kept,
      };
    case 'grid-box-reveal':
      return {
        ...base,
        segments: DEFAULT_SEGMENTS.map((segment) => ({ ...segment })),
        boxes: 9,
        ...kept,
      };
  }
}
