import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { TenantAuditEvent } from '@spot-spark/plugin-emr-on-eks-common';
import Typography from '@material-ui/core/Typography';
import { useCursorPager, useTenantAudit } from '../../hooks';
import { EntityName } from '../EntityName';
import { RelativeTime } from '../RelativeTime';
import { TruncatedText } from '../TruncatedText';
import { DataTable, DataTableColumn } from '../DataTable';
import { Pager } from '../Pager';

/** Messages longer than this show their start, the rest on request. */
const SHORT_MESSAGE = 160;

/**
 * An audit message: short ones whole; a long one (an AWS error with its
 * stack) as its first line, whole behind "Full message", so that one record
 * never makes the table a page tall.
 */
function AuditMessage(props: { message?: string }) {
  const message = props.message ?? '';
  const [first] = message.split('\n');
  if (message.length <= SHORT_MESSAGE && first === message) {
    return <>{message}</>;
  }
  return (
    <>
      <TruncatedText text={first} maxWidth="48ch" />
      <details>
        <summary>Full message</summary>
        <pre style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {message}
        </pre>
      </details>
    </>
  );
}

const columns: DataTableColumn<TenantAuditEvent>[] = [
  {
    title: 'When',
    nowrap: true,
    sortValue: event => event.createdAt,
    render: event => <RelativeTime iso={event.createdAt} />,
  },
  {
    title: 'Actor',
    hideBelow: 'sm',
    sortValue: event => event.actor,
    render: event => <EntityName entityRef={event.actor} defaultKind="user" />,
  },
  {
    title: 'Action',
    nowrap: true,
    sortValue: event => event.action,
    render: event => event.action,
  },
  {
    title: 'Result',
    nowrap: true,
    sortValue: event => event.result,
    render: event => event.result,
  },
  {
    title: 'Generation',
    hideBelow: 'md',
    sortValue: event => event.generation,
    render: event => event.generation ?? '',
  },
  {
    title: 'Message',
    render: event => <AuditMessage message={event.message} />,
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
