import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import type { ReactNode } from 'react';

/** A label / value table (a run's or a tenant's facts). */
export function FactsTable(props: {
  label: string;
  facts: Array<[string, ReactNode]>;
}) {
  return (
    <Table size="small" aria-label={props.label}>
      <TableBody>
        {props.facts.map(([label, value]) => (
          <TableRow key={label}>
            {/* Labels stay whole; a long value (an ARN) wraps where it must. */}
            <TableCell
              component="th"
              scope="row"
              style={{ whiteSpace: 'nowrap' }}
            >
              {label}
            </TableCell>
            <TableCell style={{ overflowWrap: 'anywhere' }}>{value}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
