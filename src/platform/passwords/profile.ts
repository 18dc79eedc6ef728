/**
 * argon2id's cost, as the hash string writes it: m (memory, KiB), t (passes), p (lanes).
 * The default is OWASP's m=19 MiB, t=2, p=1 profile (docs/adr/0023-password-hashing.md).
 */
export interface HashProfile {
  memoryKiB: number;
  passes: number;
  lanes: number;
}

export const DEFAULT_PROFILE: HashProfile = { memoryKiB: 19_456, passes: 2, lanes: 1 };

/**
 * OWASP's weakest argon2id profile (m=7 MiB, t=5): its profiles trade memory for passes at about
 * the same m × t, so a profile below either figure is refused by the configuration.
 */
export const OWASP_FLOOR = { memoryKiB: 7_168, memoryTimesPasses: 7_168 * 5 } as const;
