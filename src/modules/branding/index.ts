export { brandingRoutes } from './branding.routes.ts';
export { pageBrand, type BrandRef } from './branding.page.ts';
export {
  assertGameAssets,
  assertOwnAssets,
  MAX_ASSETS_PER_ORG,
  uploadAsset,
} from './branding.service.ts';
