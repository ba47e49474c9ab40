export { contentRoutes } from './content.routes.ts';
export {
  type LinkMinter,
  MAX_LINKS_PER_MESSAGE,
  previewMinter,
  SHORT_LINK_CODE_LENGTH,
  SHORT_LINK_PATH,
} from './content.links.ts';
export { RENDER_LIMITS } from './content.liquid.ts';
export {
  type CompiledTemplate,
  compileTemplate,
  type PropertyFacts,
  renderMessage,
  type RenderedEmail,
  type RenderedMessage,
  type RenderedSms,
  templateVariables,
} from './content.render.ts';
export { analyzeSms, type SmsAnalysis, type SmsEncoding } from './content.sms.ts';
export { htmlToText } from './content.text.ts';
export {
  createTemplate,
  deleteTemplate,
  getTemplate,
  listTemplates,
  MAX_TEMPLATES_PER_PROPERTY,
  previewSource,
  previewTemplate,
  renderTemplate,
  type Template,
  updateTemplate,
} from './content.service.ts';
export { prepareForSending, renderForSending, type SendingTemplate } from './content.sending.ts';
export { Rendered } from './content.schemas.ts';
export { ListQuery as TemplateListQuery, TemplateParams } from './content.schemas.ts';
