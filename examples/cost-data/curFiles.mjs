// @ts-check
/**
 * The CUR's columns in its two layouts, Athena's names: the legacy CUR (flat
 * `product_*` and `resource_tags_*` columns) and CUR 2.0 of Data Exports
 * (`product` and `resource_tags` maps, JSON text in CSV); one file per
 * billing period (month).
 */
import { monthlyCsvFiles } from './csv.mjs';
import { billingPeriodOf, isoOf } from './time.mjs';

/** @typedef {import('./curLineItems.mjs').CurRow} CurRow */

const CUR_HEAD_COLUMNS = [
  'bill_billing_period_start_date',
  'bill_billing_period_end_date',
  'line_item_usage_account_id',
  'line_item_line_item_type',
  'line_item_usage_start_date',
  'line_item_usage_end_date',
  'line_item_product_code',
  'line_item_operation',
  'line_item_usage_type',
  'line_item_resource_id',
  'line_item_usage_amount',
  'line_item_currency_code',
  'line_item_unblended_rate',
  'line_item_unblended_cost',
  'line_item_net_unblended_cost',
  'pricing_public_on_demand_cost',
  'product_product_family',
];

const CUR_SPLIT_COLUMNS = [
  'split_line_item_parent_resource_id',
  'split_line_item_split_usage',
  'split_line_item_split_usage_ratio',
  'split_line_item_split_cost',
  'split_line_item_unused_cost',
  'split_line_item_public_on_demand_split_cost',
  'split_line_item_public_on_demand_unused_cost',
];

/** Cost allocation tags the sample sets, as CUR names them. */
export const TAG_KEYS = Object.freeze([
  'aws_eks_cluster_name',
  'aws_eks_namespace',
  'user_emr_containers_amazonaws_com_job_id',
  'user_emr_containers_amazonaws_com_virtual_cluster_id',
  'user_spark_role',
]);

/** The legacy CUR's columns (Athena names: flat product and tag columns). */
export const CUR_LEGACY_COLUMNS = Object.freeze([
  ...CUR_HEAD_COLUMNS,
  'product_region',
  'product_instance_type',
  ...TAG_KEYS.map(key => `resource_tags_${key}`),
  ...CUR_SPLIT_COLUMNS,
]);

/** CUR 2.0 (Data Exports): `product` and `resource_tags` are maps, JSON text in CSV. */
export const CUR2_COLUMNS = Object.freeze([
  ...CUR_HEAD_COLUMNS,
  'product_region_code',
  'product_instance_type',
  'product',
  'resource_tags',
  ...CUR_SPLIT_COLUMNS,
]);

/**
 * JSON of a map column: keys sorted, empty values left out.
 * @param {Record<string, string | undefined>} map
 */
function mapJson(map) {
  /** @type {Record<string, string>} */
  const sorted = {};
  for (const key of Object.keys(map).sort()) {
    const value = map[key];
    if (value !== undefined && value !== '') {
      sorted[key] = value;
    }
  }
  return JSON.stringify(sorted);
}

/**
 * A row in a layout's columns.
 * @param {CurRow} row
 * @param {'legacy' | 'cur2'} layout
 * @param {{ region: string, accountId: string }} world
 */
function curRecord(row, layout, { region, accountId }) {
  const start = isoOf(row.start);
  const period = billingPeriodOf(start.slice(0, 10));
  /** @type {Record<string, string>} */
  const out = {
    bill_billing_period_start_date: period.start,
    bill_billing_period_end_date: period.end,
    line_item_usage_account_id: accountId,
    line_item_line_item_type: 'Usage',
    line_item_usage_start_date: start,
    line_item_usage_end_date: isoOf(row.start + 60),
    line_item_product_code: row.productCode,
    line_item_operation: row.operation,
    line_item_usage_type: row.usageType,
    line_item_resource_id: row.resourceId,
    line_item_usage_amount: row.usageAmount,
    line_item_currency_code: 'USD',
    line_item_unblended_rate: row.rate,
    line_item_unblended_cost: row.cost,
    line_item_net_unblended_cost: row.cost,
    pricing_public_on_demand_cost: row.publicOnDemandCost,
    product_product_family: row.productFamily,
    product_instance_type: row.instanceType,
    split_line_item_parent_resource_id: row.parent ?? '',
    split_line_item_split_usage: row.splitUsage ?? '',
    split_line_item_split_usage_ratio: row.splitUsageRatio ?? '',
    split_line_item_split_cost: row.splitCost ?? '',
    split_line_item_unused_cost: row.unusedCost ?? '',
    split_line_item_public_on_demand_split_cost:
      row.publicOnDemandSplitCost ?? '',
    split_line_item_public_on_demand_unused_cost:
      row.publicOnDemandUnusedCost ?? '',
  };
  if (layout === 'legacy') {
    out.product_region = region;
    for (const key of TAG_KEYS) {
      out[`resource_tags_${key}`] = row.tags[key] ?? '';
    }
  } else {
    out.product_region_code = region;
    out.product = mapJson(row.product);
    out.resource_tags = mapJson(row.tags);
  }
  return out;
}

/**
 * The bill's files, `cur/cur-YYYY-MM.csv`, one per month.
 * @param {CurRow[]} rows in the bill's order.
 * @param {'legacy' | 'cur2'} layout
 * @param {{ region: string, accountId: string }} world
 */
export function curFiles(rows, layout, world) {
  return monthlyCsvFiles(
    rows.map(row => curRecord(row, layout, world)),
    record => record.line_item_usage_start_date.slice(0, 7),
    layout === 'legacy' ? CUR_LEGACY_COLUMNS : CUR2_COLUMNS,
    month => `cur/cur-${month}.csv`,
  );
}
