import Paper from '@material-ui/core/Paper';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import { memo, ReactNode, useMemo, useState } from 'react';

/** A column of a {@link DataTable}. */
export interface DataTableColumn<T> {
  title: string;
  render(row: T): ReactNode;
  /** Bold cells and a stronger header, as core-components' `highlight`. */
  highlight?: boolean;
  /** Short values (a state, an amount) kept on one line, never broken mid-word. */
  nowrap?: boolean;
  /**
   * Makes the column sortable (the rows given, not the whole list): the
   * value each row sorts by.
   */
  sortValue?(row: T): string | number | undefined;
  /** Hidden on screens narrower than this breakpoint (a phone: `sm`). */
  hideBelow?: 'sm' | 'md' | 'lg' | 'xl';
}

/** Props of {@link DataTable}. */
export interface DataTableProps<T> {
  /** The table's accessible name (the card's or the section's title). */
  label: string;
  /** Keep this array stable (useMemo): a new one re-renders every row. */
  columns: ReadonlyArray<DataTableColumn<T>>;
  rows: ReadonlyArray<T>;
  rowKey(row: T): string;
  /**
   * Makes whole rows clickable with the mouse. Keyboard users need a button
   * or link in the row (its click bubbles up to here); the row shows where
   * their focus is.
   */
  onRowClick?(row: T): void;
  /**
   * The key of the row whose details are shown beside the table: marked
   * (`aria-current`) and highlighted, so the table says which one it is.
   */
  selectedKey?: string;
}

type SortState = { column: string; direction: 'asc' | 'desc' } | undefined;

function compareValues(
  a: string | number | undefined,
  b: string | number | undefined,
): number {
  // Rows without a value go last in either direction's first click.
  if (a === undefined || a === '') {
    return b === undefined || b === '' ? 0 : 1;
  }
  if (b === undefined || b === '') {
    return -1;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return a - b;
  }
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/** The rows in the order of a sortable column (stable; a copy). */
export function sortRows<T>(
  rows: ReadonlyArray<T>,
  column: Pick<DataTableColumn<T>, 'sortValue'> | undefined,
  direction: 'asc' | 'desc',
): ReadonlyArray<T> {
  const value = column?.sortValue;
  if (!value) {
    return rows;
  }
  const sign = direction === 'asc' ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index, key: value(row) }))
    .sort((x, y) => sign * compareValues(x.key, y.key) || x.index - y.index)
    .map(entry => entry.row);
}

// The look of core-components' Table with `padding: 'dense'`: its header
// (BackstageTableHeader) and material-table's cells, which inherit the font
// and share the width equally.
const useStyles = makeStyles(
  theme => ({
    header: {
      boxSizing: 'border-box',
      padding: theme.spacing(1, 1.5),
      [theme.breakpoints.down('xs')]: { padding: theme.spacing(1, 1) },
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
      padding: theme.spacing(1.5, 1.5),
      [theme.breakpoints.down('xs')]: { padding: theme.spacing(1.5, 1) },
      borderBottom: 0,
      textAlign: 'left',
      verticalAlign: 'middle',
      lineHeight: 1,
      // Whole words: a long unbroken value wraps only where it would
      // overflow (break-word, unlike anywhere, leaves columns their words).
      wordBreak: 'normal',
      overflowWrap: 'break-word',
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
    clickable: {
      cursor: 'pointer',
      '&:hover': { backgroundColor: theme.palette.action.hover },
      '&:focus-within': {
        outline: `2px solid ${theme.palette.primary.main}`,
        outlineOffset: -2,
      },
    },
    selected: {
      backgroundColor: theme.palette.action.selected,
      '&:hover': { backgroundColor: theme.palette.action.selected },
      // A bar on the row's start edge: the selection is not told by colour alone.
      boxShadow: `inset 4px 0 0 ${theme.palette.primary.main}`,
    },
    hideBelowsm: { [theme.breakpoints.down('xs')]: { display: 'none' } },
    hideBelowmd: { [theme.breakpoints.down('sm')]: { display: 'none' } },
    hideBelowlg: { [theme.breakpoints.down('md')]: { display: 'none' } },
    hideBelowxl: { [theme.breakpoints.down('lg')]: { display: 'none' } },
  }),
  { name: 'EmrOnEksDataTable' },
);

type Classes = ReturnType<typeof useStyles>;

function hideClass<T>(column: DataTableColumn<T>, classes: Classes): string {
  return column.hideBelow ? classes[`hideBelow${column.hideBelow}`] : '';
}

function RowView<T>(props: {
  row: T;
  columns: ReadonlyArray<DataTableColumn<T>>;
  classes: Classes;
  onClick?(row: T): void;
  selected: boolean;
}) {
  const { row, columns, classes, onClick, selected } = props;
  return (
    <tr
      className={[
        classes.row,
        onClick ? classes.clickable : '',
        selected ? classes.selected : '',
      ].join(' ')}
      onClick={onClick ? () => onClick(row) : undefined}
      aria-current={selected ? 'true' : undefined}
    >
      {columns.map(column => (
        <td
          key={column.title}
          className={[
            classes.cell,
            column.highlight ? classes.cellHighlight : '',
            column.nowrap ? classes.cellNowrap : '',
            hideClass(column, classes),
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
  const { label, columns, rows, rowKey, onRowClick, selectedKey } = props;
  const classes = useStyles();
  const [sort, setSort] = useState<SortState>();
  const sortColumn = columns.find(c => c.title === sort?.column);
  const sorted = useMemo(
    () => sortRows(rows, sortColumn, sort?.direction ?? 'asc'),
    [rows, sortColumn, sort?.direction],
  );
  const toggleSort = (title: string) =>
    setSort(before =>
      before?.column === title && before.direction === 'asc'
        ? { column: title, direction: 'desc' }
        : { column: title, direction: 'asc' },
    );
  // Widths follow the content (the browser's auto layout): equal widths
  // broke short values mid-word while long ones had room to spare.
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
                  sortDirection={
                    sort?.column === column.title ? sort.direction : false
                  }
                  className={[
                    classes.header,
                    column.highlight ? classes.headerHighlight : '',
                    hideClass(column, classes),
                  ].join(' ')}
                >
                  {column.sortValue ? (
                    <TableSortLabel
                      active={sort?.column === column.title}
                      direction={
                        sort?.column === column.title ? sort.direction : 'asc'
                      }
                      onClick={() => toggleSort(column.title)}
                      // Only the rows shown: a page of a longer list.
                      title={`Sort the rows shown by ${column.title.toLowerCase()}`}
                    >
                      {column.title}
                    </TableSortLabel>
                  ) : (
                    column.title
                  )}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {sorted.map(row => (
              <Row
                key={rowKey(row)}
                row={row}
                columns={columns}
                classes={classes}
                onClick={onRowClick}
                selected={
                  selectedKey !== undefined && rowKey(row) === selectedKey
                }
              />
            ))}
          </TableBody>
        </Table>
      </TableContainer>
    </Paper>
  );
}
