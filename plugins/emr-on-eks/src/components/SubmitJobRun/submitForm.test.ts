import { aTenant, httpError } from '../../__testUtils__';
import {
  checkValues,
  defaultValues,
  issuesOfError,
  podLimitsOf,
  toRequest,
} from './submitForm';

describe('the submit form', () => {
  it("takes its bounds from the tenant's LimitRange", () => {
    const tenant = aTenant();
    tenant.spec.limitRange.max = { cpu: '1500m', memory: '8Gi' };
    expect(podLimitsOf(tenant)).toEqual({ maxCores: 1, maxMemory: '8Gi' });
    expect(defaultValues(podLimitsOf(tenant)).executorCores).toBe('1');
    expect(podLimitsOf(undefined)).toEqual({
      maxCores: undefined,
      maxMemory: undefined,
    });
  });

  it('turns the fields into a request: one argument a line, numbers as numbers', () => {
    const values = {
      ...defaultValues({}),
      name: ' daily ',
      entryPoint: 's3://bucket/job.py',
      arguments: '--date\n\n 2026-11-20 \n',
      retries: '2',
    };
    expect(toRequest(values, 'component:default/daily-sales')).toEqual({
      name: 'daily',
      entryPoint: 's3://bucket/job.py',
      entryPointArguments: ['--date', '2026-11-20'],
      driver: { cores: 1, memory: '2g' },
      executor: { cores: 2, memory: '4g', instances: 2 },
      spot: true,
      retries: 2,
      entityRef: 'component:default/daily-sales',
    });
    expect(checkValues(values)).toEqual({});
  });

  it('names the field of each problem found in the browser', () => {
    const issues = checkValues({
      ...defaultValues({}),
      name: 'bad name!',
      entryPoint: 's3://bucket/job.py',
      driverCores: 'two',
      retries: '11',
    });
    expect(Object.keys(issues).sort()).toEqual([
      'driverCores',
      'name',
      'retries',
    ]);
    expect(issues.retries).toBe('must be at most 10');
  });

  it("puts the backend's objections on their fields, the rest on the form", async () => {
    const error = await httpError(
      400,
      'Invalid job run: driver.cores: 16 exceeds the LimitRange max cpu 8 of tenant team-a; retries: 3 is above the cluster maxRetries 2; sparkConf.spark.x: not allowed',
    );
    expect(issuesOfError(error)).toEqual({
      driverCores: '16 exceeds the LimitRange max cpu 8 of tenant team-a',
      retries: '3 is above the cluster maxRetries 2',
      form: 'sparkConf.spark.x: not allowed',
    });
    expect(issuesOfError(await httpError(409, 'tenant is Deleting'))).toEqual({
      form: 'tenant is Deleting',
    });
  });
});
