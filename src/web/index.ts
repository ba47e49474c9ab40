export { PAGE_CSP, webRoutes } from './web.routes.ts';
export { DASHBOARD_DIST, dashboardRoutes } from './dashboard.routes.ts';
export { renderPlayPage, type RenderOptions } from './render.ts';
export { pickLang, type ErrorKind } from './i18n.ts';
export type {
  GameTemplate,
  GameView,
  Lang,
  PlayErrorKind,
  PlayScreen,
  PlayView,
  PrizeView,
  StartRequest,
  StreamGameView,
  TemplateConfig,
} from './play-view.ts';
export { localizeGame, localizePrize, localizeTitle, localizeView } from './localize.ts';
export type { GameTexts, LangTexts, SlotTexts } from './play-view.ts';
