/**
 * Special populations of ENR-1 and what the roll still has to collect from a student enrolled
 * without documents. The codes are stored in roll_students.populations (comma separated) and
 * roll_students.to_collect (a JSON array); their words live in the roll-enroll catalog under the
 * keys below, in English and Spanish. The names here are stable: the roll page filters by them.
 */

/** ENR-1: students enrolled at once even without records, immunizations or proof of residence. */
export const SPECIAL_POPULATIONS = ['homeless', 'foster', 'juvenile_justice', 'military', 'immigrant', 'unaccompanied', 'iep'] as const;
export type SpecialPopulation = (typeof SPECIAL_POPULATIONS)[number];

/** The catalog key of a special population's label, e.g. 'roll-enroll.population.homeless'. */
export const populationLabelKey = (code: SpecialPopulation): string => `roll-enroll.population.${code}`;

export const isSpecialPopulation = (code: string): code is SpecialPopulation => (SPECIAL_POPULATIONS as readonly string[]).includes(code);

/** roll_students.populations ('homeless,iep') → its known codes, in the order above. */
export const parsePopulations = (stored: string | null | undefined): SpecialPopulation[] => {
  const given = new Set((stored ?? '').split(',').map((s) => s.trim()));
  return SPECIAL_POPULATIONS.filter((p) => given.has(p));
};

/** Codes → roll_students.populations. */
export const formatPopulations = (codes: readonly string[]): string => SPECIAL_POPULATIONS.filter((p) => codes.includes(p)).join(',');

/** ENR-1: what may still be missing from a student enrolled without documents. */
export const TO_COLLECT = ['records', 'immunizations', 'residence_proof'] as const;
export type ToCollect = (typeof TO_COLLECT)[number];

/** The catalog key of an item still to collect, e.g. 'roll-enroll.toCollect.records'. */
export const toCollectLabelKey = (item: ToCollect): string => `roll-enroll.toCollect.${item}`;

/** roll_students.to_collect (JSON array) → its known items. */
export const parseToCollect = (stored: string | null | undefined): ToCollect[] => {
  let items: unknown = [];
  try {
    items = JSON.parse(stored ?? '[]');
  } catch {
    items = [];
  }
  return Array.isArray(items) ? TO_COLLECT.filter((i) => items.includes(i)) : [];
};

/** ENR-2: the immunization statuses kept (a status, never dose records). */
export const IMMUNIZATION_STATUSES = ['complete', 'conditional', 'exempt', 'missing'] as const;
export const immunizationLabelKey = (status: (typeof IMMUNIZATION_STATUSES)[number]): string => `roll-enroll.immunization.${status}`;
