import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { TenantAuditEvent } from '@spot-spark/plugin-emr-on-eks-common';
import Typography from '@material-ui/core/Typography';
import { useCursorPager, useTenantAudit } from '../../hooks';
import { formatTime } from '../../lib/format';
import { DataTable, DataTableColumn } from '../DataTable';
import { Pager } from '../Pager';

const columns: DataTableColumn<TenantAuditEvent>[] = [
  {
    title: 'When',
    render: event => (
      <time dateTime={event.createdAt}>{formatTime(event.createdAt)}</time>
    ),
  },
  { title: 'Actor', render: event => event.actor },
  { title: 'Action', render: event => event.action },
  { title: 'Result', render: event => event.result },
  { title: 'Generation', render: event => event.generation ?? '' },
  {
    title: 'Message',
    render: event => (
      <span style={{ whiteSpace: 'pre-wrap' }}>{event.message ?? ''}</span>
    ),
  },
];

const eventKey = (event: TenantAuditEvent) => String(event.id);

/** A tenant's audit trail, newest first, a page at a time. */
export function TenantAudit(props: { name: string; reloadToken: number }) {
  const pager = useCursorPager(`${props.name}|${props.reloadToken}`);
  const audit = useTenantAudit({
    name: props.name,
    cursor: pager.cursor,
    limit: 20,
    reloadToken: props.reloadToken,
  });
  if (audit.error) {
    return <ResponseErrorPanel error={audit.error} />;
  }
  if (!audit.value) {
    return <Progress />;
  }
  return (
    <>
      {audit.value.items.length === 0 ? (
        <Typography>No audit records.</Typography>
      ) : (
        <DataTable
          label={`Audit trail of ${props.name}`}
          columns={columns}
          rows={audit.value.items}
          rowKey={eventKey}
        />
      )}
      <Pager
        page={pager.page}
        hasPrevious={pager.hasPrevious}
        nextCursor={audit.value.nextCursor}
        onPrevious={pager.previous}
        onNext={pager.next}
        labels={{
          previous: 'Newer audit records',
          next: 'Older audit records',
          previousText: 'Newer',
          nextText: 'Older',
        }}
      />
    </>
  );
}
