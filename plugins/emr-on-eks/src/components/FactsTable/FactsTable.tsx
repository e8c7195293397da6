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
            <TableCell component="th" scope="row">
              {label}
            </TableCell>
            <TableCell style={{ wordBreak: 'break-all' }}>{value}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
