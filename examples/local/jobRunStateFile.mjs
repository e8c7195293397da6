// LOCAL ONLY: the job-run simulator's runs in a file, so they outlive a
// restart of `npm start` as the backend's database does (moto forgets
// everything). One run per entry, its plan and cancel time beside its
// fields: {"jobs":[{"id":…,"plan":[…],"cancelledAt":…}]}.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/** The runs saved by an earlier session, or none. */
export function loadRuns(stateFile) {
  if (!stateFile) return [];
  let jobs;
  try {
    jobs = JSON.parse(readFileSync(stateFile, 'utf8')).jobs ?? [];
  } catch {
    return [];
  }
  return jobs.map(({ plan, cancelledAt, ...run }) => ({
    ...run,
    progress: { plan, cancelledAt },
  }));
}

/** Writes the runs, all at once (a crash leaves the previous file). */
export function saveRuns(stateFile, runs) {
  if (!stateFile) return;
  const jobs = runs.map(({ progress, ...run }) => ({ ...run, ...progress }));
  const temporary = `${stateFile}.tmp`;
  writeFileSync(temporary, JSON.stringify({ jobs }));
  renameSync(temporary, stateFile);
}
