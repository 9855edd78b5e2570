// Configuration of the guarantee areas (R7.3). Part of the one configuration schema in
// platform/config.ts; every variable is in .env.example.
import { z } from 'zod';
import { isDuration, parseDuration } from '../domain/policy/durations';
import { AREA_LIMITS } from '../domain/policy/guarantee';

export const GUARANTEE_ENV = {
  /**
   * The shortest watch interval (and test interval) an area may have, e.g. 5m; never below 10s.
   * Parsed to milliseconds.
   */
  GUARANTEE_MIN_WATCH_INTERVAL: z
    .string()
    .default('5m')
    .refine(isDuration, 'a duration such as 10s, 5m or 1h')
    .transform(parseDuration)
    .refine((ms) => ms >= AREA_LIMITS.hardMinIntervalMs, `at least ${AREA_LIMITS.hardMinIntervalMs / 1000}s`)
    .refine((ms) => ms <= AREA_LIMITS.maxIntervalMs, `at most ${AREA_LIMITS.maxIntervalMs / 3_600_000}h`),
};
