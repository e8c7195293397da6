import { InputError } from '@backstage/errors';
import type {
  TenantAuditEvent,
  TenantAuditPage,
} from '@spot-spark/plugin-emr-on-eks-common';
import type { Knex } from 'knex';
import { decodeKeyCursor, encodeKeyCursor } from './cursor';
import { toIso } from './database';

/**
 * Who did what to which tenant incarnation, when, and how it ended
 * (`emr_audit_events`): kept after the tenant is offboarded, by its uid.
 */
export class TenantAuditStore {
  constructor(private readonly db: Knex) {}

  async appendAudit(
    event: Omit<TenantAuditEvent, 'id' | 'createdAt'>,
  ): Promise<void> {
    await this.db('emr_audit_events').insert({
      tenant: event.tenant,
      tenant_uid: event.tenantUid,
      actor: event.actor,
      action: event.action,
      result: event.result,
      message: event.message ?? null,
      generation: event.generation ?? null,
      created_at: new Date(),
    });
  }

  /** A page of one tenant incarnation's audit trail, newest first. */
  async listAudit(
    tenantUid: string,
    options: { limit: number; cursor?: string },
  ): Promise<TenantAuditPage> {
    let query = this.db('emr_audit_events').where('tenant_uid', tenantUid);
    if (options.cursor) {
      const before = Number(decodeKeyCursor(options.cursor, 'a'));
      if (!Number.isSafeInteger(before)) {
        throw new InputError('cursor: not a cursor returned by this API');
      }
      query = query.where('id', '<', before);
    }
    const rows = await query.orderBy('id', 'desc').limit(options.limit + 1);
    const items = rows.slice(0, options.limit).map(row => ({
      id: Number(row.id),
      tenant: row.tenant,
      tenantUid: row.tenant_uid,
      actor: row.actor,
      action: row.action,
      result: row.result,
      ...(row.message ? { message: row.message } : {}),
      ...(row.generation !== null
        ? { generation: Number(row.generation) }
        : {}),
      createdAt: toIso(row.created_at),
    }));
    return rows.length > options.limit
      ? {
          items,
          nextCursor: encodeKeyCursor('a', String(items[items.length - 1].id)),
        }
      : { items };
  }
}
