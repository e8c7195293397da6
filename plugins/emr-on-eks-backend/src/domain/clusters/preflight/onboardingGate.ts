/*
 * Whether onboarding onto a cluster goes ahead given its preflight.
 */

/** What onboarding does about a cluster's failed checks. */
export type OnboardingGate =
  | { allow: true; warnings: string[] }
  | { allow: false; reason: string };

/**
 * Onboarding onto `cluster` given its preflight's failed checks (undefined:
 * the preflight could not run, which never blocks): with `refuse`, a platform
 * admin is warned and anyone else refused; with `warn`, everyone is warned.
 */
export function onboardingGate(options: {
  cluster: string;
  failed: Array<{ title: string }> | undefined;
  mode: 'refuse' | 'warn' | 'off';
  platformAdmin: boolean;
}): OnboardingGate {
  const { cluster, failed, mode, platformAdmin } = options;
  if (mode === 'off' || !failed || failed.length === 0) {
    return { allow: true, warnings: [] };
  }
  const titles = failed.map(check => check.title).join('; ');
  if (mode === 'refuse' && !platformAdmin) {
    return {
      allow: false,
      reason: `Cluster ${cluster} is not ready for Spark jobs (preflight failed: ${titles}); nothing was created. Ask a platform admin to fix the cluster (the Clusters tab says how), or onboard onto another cluster`,
    };
  }
  return {
    allow: true,
    warnings: [
      `Cluster ${cluster} failed its preflight (${titles}): the tenant is onboarded, but its Spark jobs may fail until the cluster is fixed (see the Clusters tab).`,
    ],
  };
}
