import {
  jobShape,
  memoryOverheadMiB,
  releaseFeatures,
  requestedResources,
} from './shape';
import { fits, jobs, tenant } from './__testUtils__/requests';

describe('shape helpers', () => {
  it('computes overheads like Spark: 10% JVM, 40% PySpark, at least 384 MiB', () => {
    expect(memoryOverheadMiB(1024, false)).toBe(384);
    expect(memoryOverheadMiB(16384, false)).toBe(1639);
    expect(memoryOverheadMiB(16384, true)).toBe(6554);
  });

  it('reports requested resources at the largest', () => {
    expect(requestedResources(jobShape(fits(), tenant, jobs))).toEqual({
      driver: { cores: 2, memoryMiB: 4096 + 1639 },
      executor: { cores: 4, memoryMiB: 16384 + 6554 },
      minExecutors: 2,
      maxExecutors: 10,
      maxCores: 42,
      maxMemoryMiB: 4096 + 1639 + 10 * (16384 + 6554),
    });
  });

  it('gates features by release label', () => {
    expect(releaseFeatures('emr-6.12.0-latest')).toEqual({
      decommission: true,
      pvcReuse: true,
      pvcWaitAndShuffleIO: true,
    });
    expect(releaseFeatures('emr-6.11.1-latest')).toEqual({
      decommission: true,
      pvcReuse: true,
      pvcWaitAndShuffleIO: false,
    });
    expect(releaseFeatures('emr-7.0.0-latest').pvcWaitAndShuffleIO).toBe(true);
    expect(releaseFeatures('emr-5.33.0-latest')).toEqual({
      decommission: false,
      pvcReuse: false,
      pvcWaitAndShuffleIO: false,
    });
  });
});
