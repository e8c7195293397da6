import Paper from '@material-ui/core/Paper';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { memo, ReactNode } from 'react';

/** A column of a {@link DataTable}. */
export interface DataTableColumn<T> {
  title: string;
  render(row: T): ReactNode;
  /** Bold cells and a stronger header, as core-components' `highlight`. */
  highlight?: boolean;
  /** Short values (a state, an amount) kept on one line, never broken mid-word. */
  nowrap?: boolean;
}

/** Props of {@link DataTable}. */
export interface DataTableProps<T> {
  /** The table's accessible name (the card's or the section's title). */
  label: string;
  /** Keep this array stable (useMemo): a new one re-renders every row. */
  columns: ReadonlyArray<DataTableColumn<T>>;
  rows: ReadonlyArray<T>;
  rowKey(row: T): string;
}

// The look of core-components' Table with `padding: 'dense'`: its header
// (BackstageTableHeader) and material-table's cells, which inherit the font
// and share the width equally.
const useStyles = makeStyles(
  theme => ({
    header: {
      boxSizing: 'border-box',
      padding: theme.spacing(1, 2, 1, 2.5),
      borderTop: `1px solid ${theme.palette.grey.A100}`,
      borderBottom: `1px solid ${theme.palette.grey.A100}`,
      fontWeight: theme.typography.fontWeightBold as number,
      position: 'static',
      wordBreak: 'normal',
      textTransform: 'uppercase',
      backgroundColor: theme.palette.background.paper,
    },
    headerHighlight: {
      // The Backstage theme's palette has it; Material UI's type does not.
      color:
        (theme.palette as { textContrast?: string }).textContrast ??
        theme.palette.text.primary,
    },
    // Body rows and cells are plain <tr> and <td>: a Material UI TableRow
    // and TableCell each was about a quarter of the render time of 1,000
    // runs (11,000 components). These classes give them what TableRow and
    // TableCell size="small" get from the Backstage theme.
    row: {
      '&:nth-of-type(odd)': {
        backgroundColor: theme.palette.background.default,
      },
    },
    cell: {
      display: 'table-cell',
      boxSizing: 'border-box',
      margin: 0,
      padding: theme.spacing(1.5, 2, 1.5, 2.5),
      borderBottom: 0,
      textAlign: 'left',
      verticalAlign: 'middle',
      lineHeight: 1,
      wordBreak: 'break-word',
      overflow: 'hidden',
      color: 'inherit',
      fontSize: 'inherit',
      fontFamily: 'inherit',
      fontWeight: 'inherit',
    },
    cellHighlight: {
      fontWeight: theme.typography.fontWeightBold as number,
    },
    cellNowrap: {
      whiteSpace: 'nowrap',
      wordBreak: 'normal',
    },
  }),
  { name: 'EmrOnEksDataTable' },
);

type Classes = ReturnType<typeof useStyles>;

function RowView<T>(props: {
  row: T;
  columns: ReadonlyArray<DataTableColumn<T>>;
  classes: Classes;
}) {
  const { row, columns, classes } = props;
  return (
    <tr className={classes.row}>
      {columns.map(column => (
        <td
          key={column.title}
          className={[
            classes.cell,
            column.highlight ? classes.cellHighlight : '',
            column.nowrap ? classes.cellNowrap : '',
          ].join(' ')}
        >
          {column.render(row)}
        </td>
      ))}
    </tr>
  );
}

// A row renders again only when its item or the columns change, so a list
// that keeps unchanged items (see useStableItems) re-renders little.
const Row = memo(RowView) as typeof RowView;

/**
 * A dense table with the look of core-components' `Table`, but a named
 * `<table>` (material-table renders one with no accessible name and no way to
 * give it one) and rows rendered once each, memoised: material-table renders
 * every row twice and measures the whole table on mount, which makes a page
 * of hundreds of rows slow.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const { label, columns, rows, rowKey } = props;
  const classes = useStyles();
  const width = `${100 / Math.max(columns.length, 1)}%`;
  return (
    <Paper elevation={2}>
      <TableContainer>
        <Table aria-label={label}>
          <TableHead>
            <TableRow>
              {columns.map(column => (
                <TableCell
                  key={column.title}
                  size="small"
                  style={{ width }}
                  className={
                    column.highlight
                      ? `${classes.header} ${classes.headerHighlight}`
                      : classes.header
                  }
                >
                  {column.title}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(row => (
              <Row
                key={rowKey(row)}
                row={row}
                columns={columns}
                classes={classes}
              />
            ))}
          </TableBody>
        </Table>
      </TableContainer>
    </Paper>
  );
}
