import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import {
  componentEntityV1alpha1Validator,
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import {
  ANNOTATION_EMR_ON_EKS_REGION,
  ANNOTATION_EMR_ON_EKS_TENANT,
  LOG_RETENTION_DAYS,
  parseJobRunRequest,
  parseQuantity,
  parseS3Prefix,
  parseTenantSpec,
  PRIORITY_TIERS,
  TENANT_DEFAULTS,
  tenantNameSchema,
} from '@spot-spark/plugin-emr-on-eks-common';
import fc from 'fast-check';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import {
  dryRunFiles,
  DryRunResult,
  Json,
  readTree,
  removeRenderedSkeletons,
  renderSkeleton,
  startScaffolder,
  TEMPLATES_DIR,
} from './__testUtils__/renderSkeleton';
import { tenantUrl } from './actions/tenantOutputs';

/*
 * The software templates in templates/: valid entities, forms that ask for
 * what the backend accepts, wired to the actions as their contracts say
 * (checked by running them through the scaffolder's own dry run), and
 * skeletons that render, for PySpark and jar jobs with Spot on and off,
 * into a project whose files parse and whose unit test passes.
 */

const run = promisify(execFile);

const ONBOARDING = 'emr-tenant-onboarding';
const SPARK_JOB = 'spot-ready-spark-job';

function loadTemplate(name: string): any {
  return parseYaml(
    readFileSync(join(TEMPLATES_DIR, name, 'template.yaml'), 'utf8'),
  );
}

/** The example backend's configuration (the repository's app-config.yaml). */
const exampleConfig = parseYaml(
  readFileSync(join(TEMPLATES_DIR, '..', 'app-config.yaml'), 'utf8'),
);

/** The entity policies the catalog applies to everything it ingests. */
const catalogPolicies = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

/** Every form field of a template, by name, across pages and dependencies. */
function formFields(template: any): Map<string, any> {
  const fields = new Map<string, any>();
  const visit = (schema: any) => {
    for (const [name, field] of Object.entries(schema?.properties ?? {})) {
      if (!fields.has(name) || Object.keys(field as object).length > 1) {
        fields.set(name, field);
      }
    }
    for (const dependency of Object.values(schema?.dependencies ?? {})) {
      for (const branch of (dependency as any).oneOf ?? []) {
        visit(branch);
      }
    }
  };
  for (const page of [template.spec.parameters].flat()) {
    visit(page);
  }
  return fields;
}

/** What the scaffolder's form fills in before a person changes anything. */
function formDefaults(schema: any): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, field] of Object.entries<any>(schema.properties ?? {})) {
    if (field.type === 'object' && field.properties) {
      values[name] = formDefaults(field);
    } else if (field.default !== undefined) {
      values[name] = field.default;
    }
  }
  return values;
}

const TENANT_OUTPUT = {
  name: 'team-a',
  namespace: 'team-a',
  virtualClusterId: 'vc0123456789abcdefghijklmn',
  executionRoleArn: 'arn:aws:iam::123456789012:role/emr-tenant-team-a',
  logGroupName: '/emr-on-eks/shared/team-a',
  podTemplates: {
    driver:
      's3://shared-data-emr-assets/tenants/team-a/pod-templates/driver.yaml',
    executor:
      's3://shared-data-emr-assets/tenants/team-a/pod-templates/executor.yaml',
    executorOnDemand:
      's3://shared-data-emr-assets/tenants/team-a/pod-templates/executor-on-demand.yaml',
  },
  assetsPrefix:
    's3://shared-data-emr-assets/tenants/team-a/5f0c3a52-1f4e-4c1b-9a51-0c9b1e7d2f10/',
  entityRef: 'resource:default/team-a',
  // As the actions make it, so that a change of its form shows here.
  tenantUrl: tenantUrl(
    { baseUrl: 'http://localhost:7007', catalogNamespace: 'default' },
    'team-a',
  ),
};

/** The job's page in the example app, where its runs card is. */
const COMPONENT_URL =
  'http://localhost:7007/catalog/default/component/daily-sales';

/** The tenant's catalog entity, as the catalog module provides it. */
const TENANT_ENTITY: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'team-a',
    annotations: {
      [ANNOTATION_EMR_ON_EKS_TENANT]: 'team-a',
      [ANNOTATION_EMR_ON_EKS_REGION]: 'us-east-1',
    },
  },
  spec: { type: 'emr-virtual-cluster', owner: 'group:default/team-a' },
};

const LOCAL_PUBLISH_OUTPUT = {
  repositoryPath: '/srv/backstage/.data/git/daily-sales.git',
  remoteUrl: 'file:///srv/backstage/.data/git/daily-sales.git',
  checkoutPath: '/srv/backstage/.data/git/daily-sales',
  catalogInfoPath: '/srv/backstage/.data/git/daily-sales/catalog-info.yaml',
  commitHash: '0123456789abcdef0123456789abcdef01234567',
};

/** Stand-ins for the actions of other packages, with contract-shaped outputs. */
const STAND_INS = [
  {
    id: 'emr-on-eks:tenant:onboard',
    output: (input: Record<string, unknown>) => ({
      ...TENANT_OUTPUT,
      name: String(input.name),
      entityRef: `resource:default/${input.name}`,
      tenantUrl: tenantUrl(
        { baseUrl: 'http://localhost:7007', catalogNamespace: 'default' },
        String(input.name),
      ),
    }),
  },
  { id: 'emr-on-eks:tenant:get', output: () => TENANT_OUTPUT },
  {
    id: 'emr-on-eks:spark:config',
    output: () => ({
      jobConfigPath: 'emr-job.json',
      podTemplatesPath: 'pod-templates',
    }),
  },
  {
    id: 'publish:github',
    output: () => ({
      remoteUrl: 'https://github.com/example-org/daily-sales',
      repoContentsUrl: 'https://github.com/example-org/daily-sales/blob/main',
    }),
  },
  {
    id: 'emr-on-eks:job:submit',
    output: () => ({
      jobRunId: '7d3f0a52-0b7e-4a8e-9d0a-1c2b3d4e5f60',
      emrJobRunId: '000000035r1v8c2dqs3',
      runUrl:
        'http://localhost:7007/catalog/default/component/daily-sales/emr-job-runs?run=7d3f0a52-0b7e-4a8e-9d0a-1c2b3d4e5f60',
    }),
  },
  { id: 'example:publish:local', output: () => LOCAL_PUBLISH_OUTPUT },
  {
    id: 'example:catalog:register-file',
    output: () => ({ locationId: 'location-1' }),
  },
];

interface Sample {
  language: 'pyspark' | 'jar';
  spot: boolean;
  repoLocation: 'github' | 'local';
  submitFirstRun?: boolean;
}

/** PySpark and jar, Spot on and off, each publish target twice. */
const SAMPLES: Sample[] = [
  {
    language: 'pyspark',
    spot: true,
    repoLocation: 'local',
    submitFirstRun: true,
  },
  { language: 'pyspark', spot: false, repoLocation: 'github' },
  { language: 'jar', spot: true, repoLocation: 'github', submitFirstRun: true },
  { language: 'jar', spot: false, repoLocation: 'local' },
];

const sampleName = (sample: Sample) =>
  `${sample.language}, Spot ${sample.spot ? 'on' : 'off'}, ${
    sample.repoLocation
  }`;

/** What a person enters in the Spark job template's form. */
function sparkJobParameters(sample: Sample): Record<string, Json> {
  return {
    name: 'daily-sales',
    description: 'Daily sales totals per store: "finance" view',
    owner: 'group:default/team-a',
    tenant: 'resource:default/team-a',
    language: sample.language,
    ...(sample.language === 'jar' ? { javaPackage: 'com.example.sales' } : {}),
    inputPath: 's3://data-lake/team-a/sales/',
    outputPath: 's3://data-lake/team-a/daily-totals/',
    driverCores: 1,
    driverMemory: '2g',
    executorCores: 2,
    executorMemory: '4g',
    minExecutors: 1,
    maxExecutors: 10,
    spot: sample.spot,
    repoLocation: sample.repoLocation,
    submitFirstRun: sample.submitFirstRun ?? false,
    ...(sample.repoLocation === 'github'
      ? { repoUrl: 'github.com?owner=example-org&repo=daily-sales' }
      : {}),
  };
}

/**
 * The fetch:template values the template computes from those parameters and
 * the tenant (compared below with what the scaffolder itself writes).
 */
function skeletonValues(
  parameters: Record<string, Json>,
): Record<string, Json> {
  const javaPackage = parameters.javaPackage as string | undefined;
  return {
    name: parameters.name,
    description: parameters.description,
    owner: parameters.owner,
    tenant: parameters.tenant,
    tenantName: 'team-a',
    language: parameters.language,
    ...(javaPackage
      ? { javaPackage, javaPackagePath: javaPackage.split('.').join('/') }
      : {}),
    spot: parameters.spot,
    driverCores: parameters.driverCores,
    driverMemory: parameters.driverMemory,
    executorCores: parameters.executorCores,
    executorMemory: parameters.executorMemory,
    minExecutors: parameters.minExecutors,
    maxExecutors: parameters.maxExecutors,
    inputPath: parameters.inputPath,
    outputPath: parameters.outputPath,
    assetsPrefix: TENANT_OUTPUT.assetsPrefix,
    logGroupName: TENANT_OUTPUT.logGroupName,
    tenantUrl: TENANT_OUTPUT.tenantUrl,
    componentUrl: COMPONENT_URL,
    region: 'us-east-1',
  };
}

function renderSparkJob(values: Record<string, Json>) {
  return renderSkeleton({
    template: SPARK_JOB,
    skeletons: ['./skeleton/base', `./skeleton/${values.language}`],
    values,
  });
}

/**
 * The input the dry run rendered for a step whose action it skips (it logs
 * "Running <action> in dry-run mode with inputs (secrets redacted): {...}").
 */
function loggedInput(result: DryRunResult, stepId: string): unknown {
  const message = (result.body.log ?? []).find(
    entry =>
      entry.body.stepId === stepId &&
      entry.body.message.includes('in dry-run mode with inputs'),
  )?.body.message;
  return message === undefined
    ? undefined
    : JSON.parse(message.slice(message.indexOf('{')));
}

afterAll(removeRenderedSkeletons);

describe('the template entities', () => {
  it.each([ONBOARDING, SPARK_JOB])(
    '%s is a Template the scaffolder and the catalog accept',
    async name => {
      const entity = loadTemplate(name);
      await expect(templateEntityV1beta3Validator.check(entity)).resolves.toBe(
        true,
      );
      await expect(catalogPolicies.enforce(entity)).resolves.toMatchObject({
        metadata: { name },
      });
    },
  );

  it('the validators refuse a broken template, so the check above means something', async () => {
    const entity = loadTemplate(SPARK_JOB);
    delete entity.spec.steps;
    await expect(templateEntityV1beta3Validator.check(entity)).rejects.toThrow(
      /steps/,
    );
    await expect(
      catalogPolicies.enforce({
        ...loadTemplate(ONBOARDING),
        metadata: { name: 'not a name!' },
      }),
    ).rejects.toThrow(/metadata.name/);
  });

  it.each([ONBOARDING, SPARK_JOB])(
    '%s: steps use only earlier steps and fields the form asks for',
    name => {
      const template = loadTemplate(name);
      const fields = formFields(template);
      const earlier = new Set<string>();
      const unknown: string[] = [];
      const check = (where: string, value: unknown) => {
        const text = JSON.stringify(value);
        for (const [, field] of text.matchAll(/parameters\.(\w+)/g)) {
          if (!fields.has(field)) {
            unknown.push(`${where}: parameters.${field}`);
          }
        }
        for (const [, a, b] of text.matchAll(
          /steps\[\\?['"]([^'"\\]+)\\?['"]\]|steps\.(\w+)/g,
        )) {
          if (!earlier.has(a ?? b)) {
            unknown.push(`${where}: steps ${a ?? b}`);
          }
        }
      };
      for (const step of template.spec.steps) {
        check(step.id, { if: step.if, input: step.input });
        earlier.add(step.id);
      }
      check('output', template.spec.output);
      expect(unknown).toEqual([]);
      // And the check finds what it looks for.
      expect(earlier.size).toBeGreaterThan(0);
      expect(fields.has('name')).toBe(true);
    },
  );
});

describe('the onboarding form', () => {
  const template = loadTemplate(ONBOARDING);
  const fields = formFields(template);

  it('accepts exactly the tenant names the backend accepts with the example role prefix', () => {
    const field = fields.get('name');
    const pattern = new RegExp(field.pattern, 'u');
    const prefix: string = exampleConfig.emrOnEks.iam.roleNamePrefix;
    const formAccepts = (name: string) =>
      pattern.test(name) &&
      name.length >= field.minLength &&
      name.length <= field.maxLength;
    // The backend: the tenant-name rule, and role name = prefix + name fits 64.
    const backendAccepts = (name: string) =>
      tenantNameSchema.safeParse(name).success &&
      prefix.length + name.length <= 64;
    const nameLike = fc.oneof(
      fc.string({
        unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_.A'),
        maxLength: 70,
      }),
      fc.constantFrom('default', 'kube-system', 'kube-', 'defaults', 'kubex'),
      fc
        .integer({ min: 50, max: 56 })
        .map(length => `t${'a'.repeat(length - 1)}`),
    );
    fc.assert(
      fc.property(nameLike, name => {
        expect([name, formAccepts(name)]).toEqual([name, backendAccepts(name)]);
      }),
      { numRuns: 2000 },
    );
  });

  it('offers the clusters and priority tiers of the example configuration', () => {
    const clusters = exampleConfig.emrOnEks.clusters.map(
      (cluster: { name: string }) => cluster.name,
    );
    expect(fields.get('cluster').enum).toEqual(clusters);
    expect(clusters).toContain(fields.get('cluster').default);
    const allowed =
      exampleConfig.emrOnEks.clusters[0].guardrails.allowedPriorityTiers;
    expect(fields.get('priorityTier').enum).toEqual(allowed);
    expect(PRIORITY_TIERS).toEqual(expect.arrayContaining(allowed));
  });

  it('accepts every S3 prefix the backend accepts', () => {
    const field = fields.get('dataAccess').items.properties.s3;
    const pattern = new RegExp(field.pattern, 'u');
    const segment = fc.string({
      unit: fc.constantFrom(..."abcXYZ019!_.'()=+-"),
      minLength: 1,
      maxLength: 12,
    });
    const prefix = fc
      .tuple(
        fc.string({
          unit: fc.constantFrom(...'abc019.-'),
          minLength: 3,
          maxLength: 63,
        }),
        fc.array(segment, { maxLength: 4 }),
      )
      .map(
        ([bucket, segments]) =>
          `s3://${bucket}/${segments.map(s => `${s}/`).join('')}`,
      )
      .filter(text => parseS3Prefix(text) !== undefined);
    fc.assert(
      fc.property(prefix, text => {
        expect([text, pattern.test(text)]).toEqual([text, true]);
        expect(text.length).toBeLessThanOrEqual(field.maxLength);
      }),
      { numRuns: 1000 },
    );
    // The example guardrails' grants, for the team team-a.
    for (const grant of exampleConfig.emrOnEks.clusters[0].guardrails
      .dataAccess) {
      expect(pattern.test(grant.s3.replace('{tenant}', 'team-a'))).toBe(true);
    }
  });

  it('accepts only descriptions the backend accepts', () => {
    const field = fields.get('description');
    const pattern = new RegExp(field.pattern, 'u');
    fc.assert(
      fc.property(
        fc
          .string({ unit: 'binary', maxLength: field.maxLength })
          .filter(text => pattern.test(text)),
        description => {
          const parsed = parseTenantSpec({
            name: 'team-a',
            owner: 'group:default/team-a',
            cluster: 'shared',
            description,
          });
          expect([description, parsed.success]).toEqual([description, true]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("offers the backend's log retentions and its default release", () => {
    for (const days of fields.get('logRetentionDays').enum) {
      expect(LOG_RETENTION_DAYS).toContain(days);
    }
    expect(fields.get('logRetentionDays').default).toBe(
      TENANT_DEFAULTS.logRetentionDays,
    );
    expect(fields.get('releaseLabel').default).toBe(
      TENANT_DEFAULTS.releaseLabel,
    );
    expect(
      new RegExp(fields.get('releaseLabel').pattern, 'u').test(
        TENANT_DEFAULTS.releaseLabel,
      ),
    ).toBe(true);
  });
});

describe('the templates, run by the scaffolder (dry run)', () => {
  let scaffolder: Awaited<ReturnType<typeof startScaffolder>>;

  beforeAll(async () => {
    scaffolder = await startScaffolder({
      entities: [TENANT_ENTITY],
      standIns: STAND_INS,
    });
  });

  afterAll(() => scaffolder?.stop());

  const onboarding = loadTemplate(ONBOARDING);
  const pages: any[] = onboarding.spec.parameters;
  const chosen = {
    owner: 'group:default/team-a',
    name: 'team-a',
    cluster: 'shared',
    dataAccess: [{ s3: 's3://data-lake/team-a/', access: 'read-write' }],
  };
  const defaults = Object.assign({}, ...pages.map(formDefaults), chosen);

  function onboardInput() {
    const calls = scaffolder.calls.filter(
      call => call.action === 'emr-on-eks:tenant:onboard',
    );
    expect(calls).toHaveLength(1);
    return calls[0].input;
  }

  function expectSameQuantities(
    actual: Record<string, string | undefined>,
    expected: Record<string, string | undefined>,
  ) {
    for (const [key, value] of Object.entries(expected)) {
      expect([key, parseQuantity(String(actual[key]))]).toEqual([
        key,
        parseQuantity(String(value)),
      ]);
    }
  }

  it("onboarding with the form's defaults asks for the tenant the backend's own defaults make", async () => {
    const result = await scaffolder.dryRun(ONBOARDING, defaults);
    expect(result.status).toBe(200);
    const input = onboardInput();
    const parsed = parseTenantSpec(input);
    if (!parsed.success) {
      throw new Error(JSON.stringify(parsed.issues));
    }
    expect(parsed.data).toMatchObject({
      name: 'team-a',
      owner: 'group:default/team-a',
      cluster: 'shared',
      dataAccess: chosen.dataAccess,
      priorityTier: TENANT_DEFAULTS.priorityTier,
      logRetentionDays: TENANT_DEFAULTS.logRetentionDays,
      releaseLabel: TENANT_DEFAULTS.releaseLabel,
    });
    expectSameQuantities(parsed.data.quota, TENANT_DEFAULTS.quota);
    for (const bound of ['max', 'min', 'default', 'defaultRequest'] as const) {
      expectSameQuantities(
        parsed.data.limitRange[bound],
        TENANT_DEFAULTS.limitRange[bound],
      );
    }
    expect(result.body.output?.links).toEqual([
      expect.objectContaining({ entityRef: 'resource:default/team-a' }),
      expect.objectContaining({
        url: TENANT_OUTPUT.tenantUrl,
      }),
    ]);
  });

  it("the form's maxima are the guardrails' default maxima (4x the defaults)", async () => {
    const quotaField = pages[1].properties.quota;
    const limitField = pages[1].properties.limitRange;
    const atMost = (field: any) =>
      Object.fromEntries(
        Object.entries<any>(field.properties).map(([key, f]) => [
          key,
          f.maximum,
        ]),
      );
    const result = await scaffolder.dryRun(ONBOARDING, {
      ...defaults,
      quota: atMost(quotaField),
      limitRange: atMost(limitField),
    });
    expect(result.status).toBe(200);
    const parsed = parseTenantSpec(onboardInput());
    if (!parsed.success) {
      throw new Error(JSON.stringify(parsed.issues));
    }
    const times4 = (list: Record<string, string | undefined>) =>
      Object.fromEntries(
        Object.entries(list).map(([key, value]) => [
          key,
          String(parseQuantity(value!)! * 4),
        ]),
      );
    expectSameQuantities(parsed.data.quota, times4(TENANT_DEFAULTS.quota));
    expectSameQuantities(
      parsed.data.limitRange.max,
      times4(TENANT_DEFAULTS.limitRange.max),
    );
  });

  it.each([
    'Team-A',
    'team_a',
    '1team',
    'default',
    'kube-system',
    `t${'a'.repeat(53)}`,
  ])('refuses the tenant name %j before any action runs', async name => {
    const result = await scaffolder.dryRun(ONBOARDING, { ...defaults, name });
    expect(result.status).toBe(400);
    expect(scaffolder.calls).toEqual([]);
  });

  it.each(SAMPLES.map(sample => [sampleName(sample), sample] as const))(
    'the Spark job template (%s) asks for the job the backend accepts, and publishes',
    async (_name, sample) => {
      const parameters = sparkJobParameters(sample);
      const result = await scaffolder.dryRun(SPARK_JOB, parameters);
      expect(result.status).toBe(200);
      const calls = new Map(
        scaffolder.calls.map(call => [call.step, call] as const),
      );

      expect(calls.get('tenant')?.input).toEqual({ name: 'team-a' });

      const config = calls.get(`spark-config-${sample.language}`);
      expect(config?.action).toBe('emr-on-eks:spark:config');
      expect(config?.input.tenant).toBe('team-a');
      const job = parseJobRunRequest(config?.input.job);
      if (!job.success) {
        throw new Error(JSON.stringify(job.issues));
      }
      const code = `${TENANT_OUTPUT.assetsPrefix}code/daily-sales/`;
      expect(job.data).toMatchObject({
        name: 'daily-sales',
        entryPoint:
          sample.language === 'pyspark'
            ? `${code}main.py`
            : `${code}daily-sales.jar`,
        entryPointArguments: [parameters.inputPath, parameters.outputPath],
        driver: { cores: 1, memory: '2g' },
        executor: { cores: 2, memory: '4g', minExecutors: 1, maxExecutors: 10 },
        spot: sample.spot,
        entityRef: 'component:default/daily-sales',
      });
      expect(job.data.mainClass).toBe(
        sample.language === 'jar' ? 'com.example.sales.SparkJob' : undefined,
      );

      // The optional first run submits exactly the job the project holds.
      const firstRun = calls.get(`first-run-${sample.language}`);
      expect(firstRun && [firstRun.action, firstRun.input]).toEqual(
        sample.submitFirstRun
          ? [
              'emr-on-eks:job:submit',
              { ...config?.input, waitForEntityMinutes: 2 },
            ]
          : undefined,
      );

      // One publish target or the other, each followed by its registration
      // (catalog:register has no dry run: the runner logs its input instead).
      const local = sample.repoLocation === 'local';
      expect({
        publish: calls.get('publish')?.input,
        register: loggedInput(result, 'register'),
        publishLocal: calls.get('publish-local')?.input,
        registerLocal: calls.get('register-local')?.input,
      }).toEqual({
        publish: local
          ? undefined
          : {
              repoUrl: parameters.repoUrl,
              description: parameters.description,
              defaultBranch: 'main',
              repoVisibility: 'private',
            },
        register: local
          ? undefined
          : {
              repoContentsUrl:
                'https://github.com/example-org/daily-sales/blob/main',
              catalogInfoPath: '/catalog-info.yaml',
            },
        publishLocal: local ? { name: 'daily-sales' } : undefined,
        registerLocal: local
          ? { path: LOCAL_PUBLISH_OUTPUT.catalogInfoPath }
          : undefined,
      });
      expect(result.body.output?.links).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            entityRef: 'component:default/daily-sales',
          }),
          expect.objectContaining({ url: TENANT_OUTPUT.tenantUrl }),
        ]),
      );

      // The files the scaffolder wrote are those the skeleton renders to
      // with the values below, so the skeleton tests cover real runs.
      const files = dryRunFiles(result);
      const rendered = await readTree(
        await renderSparkJob(skeletonValues(parameters)),
      );
      expect([...files.keys()]).toEqual([...rendered.keys()]);
      expect(files).toEqual(rendered);
    },
    60_000,
  );

  it('refuses a Spark job without a tenant, or with a bad name, before any action runs', async () => {
    const parameters = sparkJobParameters(SAMPLES[0]);
    const { tenant: _tenant, ...withoutTenant } = parameters;
    expect((await scaffolder.dryRun(SPARK_JOB, withoutTenant)).status).toBe(
      400,
    );
    expect(
      (
        await scaffolder.dryRun(SPARK_JOB, {
          ...parameters,
          name: 'Daily_Sales',
        })
      ).status,
    ).toBe(400);
    expect(scaffolder.calls).toEqual([]);
  });
});

describe('the rendered Spark job skeleton', () => {
  const hasCommand = (command: string, args: string[]) =>
    spawnSync(command, args, { stdio: 'ignore' }).status === 0;
  const hasJava = hasCommand('javac', ['-version']);
  const hasMake = hasCommand('make', ['--version']);
  // Machines without a JDK skip the JVM run (the sources are still checked).
  const describeWithJava = hasJava ? describe : describe.skip;

  /** The environment without the variables the Makefiles take as overrides. */
  const makeEnv = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        ![
          'AWS_REGION',
          'CODE_PREFIX',
          'AWS',
          'PYTHON',
          'MVN',
          'MAKEFLAGS',
        ].includes(key),
    ),
  );

  it.each(SAMPLES.map(sample => [sampleName(sample), sample] as const))(
    '%s: every YAML and JSON file parses and catalog-info.yaml is a valid component of the tenant',
    async (_name, sample) => {
      const dir = await renderSparkJob(
        skeletonValues(sparkJobParameters(sample)),
      );
      const files = await readTree(dir);
      const yamlFiles = [...files.keys()].filter(path => /\.ya?ml$/.test(path));
      expect(yamlFiles).toEqual(
        expect.arrayContaining([
          'catalog-info.yaml',
          '.github/workflows/ci.yaml',
        ]),
      );
      for (const path of yamlFiles) {
        for (const document of parseAllDocuments(files.get(path)!)) {
          expect([path, document.errors]).toEqual([path, []]);
        }
      }
      for (const path of [...files.keys()].filter(p => p.endsWith('.json'))) {
        expect(() => JSON.parse(files.get(path)!)).not.toThrow();
      }

      const entity = parseYaml(files.get('catalog-info.yaml')!);
      await expect(catalogPolicies.enforce(entity)).resolves.toBeDefined();
      await expect(
        componentEntityV1alpha1Validator.check(entity),
      ).resolves.toBe(true);
      expect(entity).toMatchObject({
        kind: 'Component',
        metadata: {
          name: 'daily-sales',
          description: 'Daily sales totals per store: "finance" view',
          annotations: { [ANNOTATION_EMR_ON_EKS_TENANT]: 'team-a' },
        },
        spec: {
          type: 'spark-job',
          owner: 'group:default/team-a',
          dependsOn: ['resource:default/team-a'],
        },
      });
      expect(entity.metadata.tags).toContain(
        sample.spot ? 'spot' : 'on-demand',
      );

      // The README explains the executor template this run uses.
      const readme = files.get('README.md')!;
      expect(readme).toContain(
        sample.spot
          ? 'pod-templates/executor.yaml'
          : 'pod-templates/executor-on-demand.yaml',
      );
      expect(readme).toContain(`(${COMPONENT_URL})`);
      expect(readme).not.toMatch(/\$\{\{|\{%/);
    },
  );

  it.each(SAMPLES.map(sample => [sampleName(sample), sample] as const))(
    '%s: make submit uploads the code to the tenant prefix, then starts the run from emr-job.json',
    async (_name, sample) => {
      if (!hasMake) {
        throw new Error('make is needed to check the generated Makefile');
      }
      const dir = await renderSparkJob(
        skeletonValues(sparkJobParameters(sample)),
      );
      const { stdout } = await run('make', ['-n', 'submit'], {
        cwd: dir,
        env: makeEnv,
      });
      const code = `${TENANT_OUTPUT.assetsPrefix}code/daily-sales/`;
      expect(stdout.trim().split('\n')).toEqual(
        sample.language === 'pyspark'
          ? [
              'python3 -m unittest discover -s src -v',
              `aws --region us-east-1 s3 cp src/main.py ${code}main.py`,
              'aws --region us-east-1 emr-containers start-job-run --cli-input-json file://emr-job.json',
            ]
          : [
              'mvn -B test',
              'mvn -B -DskipTests package',
              `aws --region us-east-1 s3 cp target/daily-sales.jar ${code}daily-sales.jar`,
              'aws --region us-east-1 emr-containers start-job-run --cli-input-json file://emr-job.json',
            ],
      );
    },
  );

  it.each([true, false])(
    'PySpark (Spot %s): the generated unit test passes with python3, and fails when the transformation is broken',
    async spot => {
      const dir = await renderSparkJob(
        skeletonValues(
          sparkJobParameters({
            language: 'pyspark',
            spot,
            repoLocation: 'local',
          }),
        ),
      );
      const passed = await run(
        'python3',
        ['-m', 'unittest', 'discover', '-s', 'src', '-v'],
        { cwd: dir },
      );
      expect(passed.stderr).toMatch(/^Ran [1-9]\d* tests? in .*\n\nOK\s*$/m);

      // A wrong sum must make it fail, or it tests nothing.
      const main = join(dir, 'src', 'main.py');
      const source = await readFile(main, 'utf8');
      const broken = source.replace(
        'left.amount_cents + right.amount_cents',
        'max(left.amount_cents, right.amount_cents)',
      );
      expect(broken).not.toBe(source);
      await writeFile(main, broken);
      await expect(
        run('python3', ['-m', 'unittest', 'discover', '-s', 'src'], {
          cwd: dir,
        }),
      ).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/FAILED/),
      });
    },
    30_000,
  );

  it('jar: the Maven build file is well-formed and names the job, and the sources sit in the package', async () => {
    const dir = await renderSparkJob(
      skeletonValues(
        sparkJobParameters({
          language: 'jar',
          spot: true,
          repoLocation: 'github',
        }),
      ),
    );
    const files = await readTree(dir);
    for (const file of ['DailyTotals.java', 'SparkJob.java']) {
      expect(files.get(`src/main/java/com/example/sales/${file}`)).toMatch(
        /^package com\.example\.sales;$/m,
      );
    }
    expect(
      files.has('src/test/java/com/example/sales/DailyTotalsTest.java'),
    ).toBe(true);
    expect([...files.keys()].filter(path => path.endsWith('.py'))).toEqual([]);
    // python3's XML parser: a parse error fails the command.
    const { stdout } = await run('python3', [
      '-c',
      [
        'import sys, xml.etree.ElementTree as ET',
        "ns = {'m': 'http://maven.apache.org/POM/4.0.0'}",
        'pom = ET.parse(sys.argv[1]).getroot()',
        "print(pom.find('m:groupId', ns).text, pom.find('m:artifactId', ns).text)",
      ].join('\n'),
      join(dir, 'pom.xml'),
    ]);
    expect(stdout.trim()).toBe('com.example.sales daily-sales');
  });

  describeWithJava('on a JVM (javac is installed)', () => {
    it('jar: the generated unit test passes on a JVM (javac is installed)', async () => {
      const dir = await renderSparkJob(
        skeletonValues(
          sparkJobParameters({
            language: 'jar',
            spot: false,
            repoLocation: 'local',
          }),
        ),
      );
      const work = await mkdtemp(join(tmpdir(), 'junit-'));
      try {
        // JUnit is not reachable offline: the two parts of its API the test
        // uses, with JUnit's meaning, and a runner of @Test methods.
        const stubs: Record<string, string> = {
          'org/junit/jupiter/api/Test.java': [
            'package org.junit.jupiter.api;',
            'import java.lang.annotation.*;',
            '@Retention(RetentionPolicy.RUNTIME) @Target(ElementType.METHOD)',
            'public @interface Test {}',
          ].join('\n'),
          'org/junit/jupiter/api/Assertions.java': [
            'package org.junit.jupiter.api;',
            'public final class Assertions {',
            '  public static void assertEquals(Object expected, Object actual) { assertEquals(expected, actual, null); }',
            '  public static void assertEquals(Object expected, Object actual, String message) {',
            '    if (!java.util.Objects.equals(expected, actual)) throw new AssertionError((message == null ? "" : message + ": ") + "expected " + expected + " but was " + actual);',
            '  }',
            '}',
          ].join('\n'),
          'RunTests.java': [
            'import java.lang.reflect.*;',
            'public class RunTests {',
            '  public static void main(String[] args) throws Exception {',
            '    Class<?> type = Class.forName(args[0]);',
            '    int ran = 0, failed = 0;',
            '    for (Method method : type.getDeclaredMethods()) {',
            '      if (!method.isAnnotationPresent(org.junit.jupiter.api.Test.class)) continue;',
            '      ran++;',
            '      Constructor<?> make = type.getDeclaredConstructor();',
            '      make.setAccessible(true); method.setAccessible(true);',
            '      try { method.invoke(make.newInstance()); }',
            '      catch (InvocationTargetException e) { failed++; System.out.println("FAILED " + method.getName() + ": " + e.getCause()); }',
            '    }',
            '    System.out.println("ran " + ran + ", failed " + failed);',
            '    System.exit(failed == 0 && ran > 0 ? 0 : 1);',
            '  }',
            '}',
          ].join('\n'),
        };
        for (const [path, text] of Object.entries(stubs)) {
          await mkdir(dirname(join(work, 'src', path)), { recursive: true });
          await writeFile(join(work, 'src', path), text);
        }
        const pkg = 'src/main/java/com/example/sales';
        await run(
          'javac',
          [
            '-d',
            join(work, 'classes'),
            ...Object.keys(stubs).map(path => join(work, 'src', path)),
            join(dir, pkg, 'DailyTotals.java'),
            join(dir, 'src/test/java/com/example/sales/DailyTotalsTest.java'),
          ],
          { timeout: 60_000 },
        );
        const { stdout } = await run(
          'java',
          [
            '-cp',
            join(work, 'classes'),
            'RunTests',
            'com.example.sales.DailyTotalsTest',
          ],
          { timeout: 60_000 },
        );
        expect(stdout).toMatch(/^ran [1-9]\d*, failed 0$/m);
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    }, 120_000);
  });

  it('any one-line description ends up in catalog-info.yaml as written', async () => {
    const field = formFields(loadTemplate(SPARK_JOB)).get('description');
    const allowed = new RegExp(field.pattern, 'u');
    await fc.assert(
      fc.asyncProperty(
        fc
          .string({ unit: 'grapheme', maxLength: field.maxLength })
          .filter(text => allowed.test(text)),
        async description => {
          const dir = await renderSparkJob({
            ...skeletonValues(sparkJobParameters(SAMPLES[0])),
            description,
          });
          const entity = parseYaml(
            await readFile(join(dir, 'catalog-info.yaml'), 'utf8'),
          );
          expect(entity.metadata.description).toBe(
            description || 'Spark job daily-sales',
          );
          await expect(catalogPolicies.enforce(entity)).resolves.toBeDefined();
        },
      ),
      { numRuns: 25 },
    );
  }, 60_000);
});
