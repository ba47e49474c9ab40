export { voucherRoutes } from './vouchers.routes.ts';
export {
  createVoucherSet,
  generateVoucherCodes,
  listVoucherSets,
  uploadVoucherCodes,
} from './vouchers.service.ts';
export type { VoucherSet } from './vouchers.service.ts';
export { CODE_ALPHABET, csvFirstColumn, parseCodeUpload } from './vouchers.codes.ts';
export type { CodeUpload } from './vouchers.codes.ts';
// For the prize draw: which sets are the organization's, and handing a code to a claimed prize.
export { allocateCode, countCodes, findVoucherSets } from './vouchers.repo.ts';
export type { VoucherSetRow } from './vouchers.repo.ts';
