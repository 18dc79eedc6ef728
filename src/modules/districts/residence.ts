import type { DistrictConfig } from './config-schema.js';

/**
 * STU-2/STU-3, first step: an address is inside a district when its ZIP code is in the
 * district's list. Street ranges (the school of residence) come later.
 */
export function isAddressInDistrict(district: DistrictConfig, zip: string): boolean {
  return district.zipCodes.includes(zip.trim().slice(0, 5));
}
