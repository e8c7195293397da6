import {
  FieldIssue,
  JobRunRequestInput,
  parseJobRunRequest,
  parseQuantity,
  Tenant,
} from '@spot-spark/plugin-emr-on-eks-common';
import { backendMessage } from '../../lib/errors';

/** The fields of the submit form, as typed. */
export interface SubmitFormValues {
  name: string;
  entryPoint: string;
  /** One argument a line. */
  arguments: string;
  driverCores: string;
  driverMemory: string;
  executorCores: string;
  executorMemory: string;
  executors: string;
  spot: boolean;
  retries: string;
}

/** A field of the form. */
export type SubmitField = keyof SubmitFormValues;

/** Problems by field; `form` for those of no field. */
export type SubmitIssues = Partial<Record<SubmitField | 'form', string>>;

/** The most retries the request schema takes (a cluster may allow fewer). */
export const MAX_RETRIES = 10;

/** What the tenant's LimitRange lets one pod (driver or executor) have. */
export interface PodLimits {
  /** Whole cores; undefined when the tenant does not say. */
  maxCores?: number;
  /** As the tenant states it (`64Gi`). */
  maxMemory?: string;
}

/** The per-pod limits of a tenant, for the form's bounds and hints. */
export function podLimitsOf(tenant: Tenant | undefined): PodLimits {
  const max = tenant?.spec.limitRange?.max;
  const cpu = max?.cpu ? parseQuantity(max.cpu) : undefined;
  return {
    maxCores: cpu !== undefined ? Math.max(1, Math.floor(cpu)) : undefined,
    maxMemory: max?.memory,
  };
}

/** A sensible first run: small, on Spot, within the tenant's limits. */
export function defaultValues(limits: PodLimits): SubmitFormValues {
  const executorCores = Math.min(2, limits.maxCores ?? 2);
  return {
    name: '',
    entryPoint: '',
    arguments: '',
    driverCores: '1',
    driverMemory: '2g',
    executorCores: String(executorCores),
    executorMemory: '4g',
    executors: '2',
    spot: true,
    retries: '0',
  };
}

function wholeNumber(text: string): number | undefined {
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

/** The request the form describes (numbers that are not numbers left out). */
export function toRequest(
  values: SubmitFormValues,
  entityRef: string | undefined,
): JobRunRequestInput {
  const args = values.arguments
    .split('\n')
    .map(line => line.trim())
    .filter(Boolean);
  return {
    name: values.name.trim(),
    entryPoint: values.entryPoint.trim(),
    entryPointArguments: args,
    driver: {
      cores: wholeNumber(values.driverCores) ?? Number.NaN,
      memory: values.driverMemory.trim(),
    },
    executor: {
      cores: wholeNumber(values.executorCores) ?? Number.NaN,
      memory: values.executorMemory.trim(),
      instances: wholeNumber(values.executors) ?? Number.NaN,
    },
    spot: values.spot,
    retries: wholeNumber(values.retries) ?? Number.NaN,
    ...(entityRef ? { entityRef } : {}),
  };
}

// Request paths (as the schema and the backend name them) to form fields.
const FIELD_OF_PATH: Array<[RegExp, SubmitField]> = [
  [/^name$/, 'name'],
  [/^entryPoint$/, 'entryPoint'],
  [/^entryPointArguments(\.|$)/, 'arguments'],
  [/^driver\.cores$/, 'driverCores'],
  [/^driver\.memory$/, 'driverMemory'],
  [/^executor\.cores$/, 'executorCores'],
  [/^executor\.memory$/, 'executorMemory'],
  [/^executor\.(instances|minExecutors|maxExecutors)$/, 'executors'],
  [/^spot$/, 'spot'],
  [/^retries$/, 'retries'],
];

/** Problems by field; those of no field of the form go to `form`. */
export function issuesByField(issues: FieldIssue[]): SubmitIssues {
  const result: SubmitIssues = {};
  for (const issue of issues) {
    const field =
      FIELD_OF_PATH.find(([pattern]) => pattern.test(issue.path))?.[1] ??
      'form';
    const text =
      field === 'form' && issue.path
        ? `${issue.path}: ${issue.message}`
        : issue.message;
    // The first problem of a field: one at a time is easier to fix.
    result[field] ??= text;
  }
  return result;
}

/** The problems the browser can see before asking the backend. */
export function checkValues(values: SubmitFormValues): SubmitIssues {
  const parsed = parseJobRunRequest(toRequest(values, undefined));
  return parsed.success ? {} : issuesByField(parsed.issues);
}

/**
 * The backend's answer to a bad request as problems by field. Its 400s read
 * `Invalid job run: driver.cores: 16 exceeds ...; retries: must be ...`
 * (`formatIssues`); anything else is one problem of the whole form.
 */
export function issuesOfError(error: unknown): SubmitIssues {
  const message = backendMessage(error);
  const body = message.replace(/^Invalid job run: /, '');
  if (body === message) {
    return { form: message };
  }
  const issues = body.split('; ').map(part => {
    const match = /^([A-Za-z][\w.-]*): (.*)$/s.exec(part);
    return match
      ? { path: match[1], message: match[2] }
      : { path: '', message: part };
  });
  return issuesByField(issues);
}
