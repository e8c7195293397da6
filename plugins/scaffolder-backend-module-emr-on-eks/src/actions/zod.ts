import type { z } from 'zod/v3';

/** The zod the scaffolder hands to action schema callbacks. */
export type Zod = typeof z;
