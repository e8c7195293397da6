import {
  JOB_RUN_STATES,
  JobRunState,
} from '@spot-spark/plugin-emr-on-eks-common';
import Box from '@material-ui/core/Box';
import Checkbox from '@material-ui/core/Checkbox';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import TextField from '@material-ui/core/TextField';
import { ReactNode, useEffect, useId, useState } from 'react';
import useDebounce from 'react-use/esm/useDebounce';
import { JobRunFilters, TIME_RANGES } from '../../lib/filters';

/** `2026-11-20T10:00` in the browser's time zone, for a datetime-local input. */
function toLocalInput(iso: string | undefined): string {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

function fromLocalInput(value: string): string | undefined {
  if (!value) {
    return undefined;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** How long typing pauses before the name goes to the server. */
export const NAME_DEBOUNCE_MS = 300;

/**
 * The name search: typed here, sent (to the URL, so to the server) once the
 * typing pauses, rather than one request per key.
 */
function NameSearch(props: { value: string; onChange(name: string): void }) {
  const { value, onChange } = props;
  const id = useId();
  const [text, setText] = useState(value);
  // The URL changed from elsewhere (Back, a link): show it.
  useEffect(() => setText(value), [value]);
  useDebounce(
    () => {
      if (text !== value) {
        onChange(text);
      }
    },
    NAME_DEBOUNCE_MS,
    [text],
  );
  return (
    <TextField
      id={id}
      label="Job name contains"
      helperText="Searches all runs, not only this page"
      value={text}
      onChange={e => setText(e.target.value)}
    />
  );
}

/** The filters of a job-run list; `children` (actions) at the row's end. */
export function JobRunFiltersBar(props: {
  filters: JobRunFilters;
  onChange(filters: JobRunFilters): void;
  children?: ReactNode;
}) {
  const { filters, onChange, children } = props;
  const stateLabelId = useId();
  const rangeLabelId = useId();
  const afterId = useId();
  const beforeId = useId();
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      alignItems="flex-end"
      mb={2}
      style={{ gap: 16 }}
    >
      <FormControl style={{ minWidth: 200 }}>
        <InputLabel id={stateLabelId} shrink>
          State
        </InputLabel>
        <Select
          labelId={stateLabelId}
          multiple
          value={filters.states}
          onChange={e =>
            onChange({
              ...filters,
              states: JOB_RUN_STATES.filter(s =>
                (e.target.value as JobRunState[]).includes(s),
              ),
            })
          }
          renderValue={selected =>
            (selected as JobRunState[]).length === 0
              ? 'All'
              : (selected as JobRunState[]).join(', ')
          }
          displayEmpty
        >
          {JOB_RUN_STATES.map(state => (
            <MenuItem key={state} value={state}>
              <Checkbox
                size="small"
                checked={filters.states.includes(state)}
                inputProps={{ 'aria-hidden': true }}
                tabIndex={-1}
              />
              <ListItemText primary={state} />
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <FormControl style={{ minWidth: 160 }}>
        <InputLabel id={rangeLabelId} shrink>
          Created
        </InputLabel>
        <Select
          labelId={rangeLabelId}
          value={filters.range}
          displayEmpty
          onChange={e =>
            onChange({ ...filters, range: String(e.target.value) })
          }
        >
          {TIME_RANGES.map(range => (
            <MenuItem key={range.value} value={range.value}>
              {range.label}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      {filters.range === 'custom' && (
        <>
          <TextField
            id={afterId}
            label="Created after"
            type="datetime-local"
            InputLabelProps={{ shrink: true }}
            value={toLocalInput(filters.createdAfter)}
            onChange={e =>
              onChange({
                ...filters,
                createdAfter: fromLocalInput(e.target.value),
              })
            }
          />
          <TextField
            id={beforeId}
            label="Created before"
            type="datetime-local"
            InputLabelProps={{ shrink: true }}
            value={toLocalInput(filters.createdBefore)}
            onChange={e =>
              onChange({
                ...filters,
                createdBefore: fromLocalInput(e.target.value),
              })
            }
          />
        </>
      )}
      <NameSearch
        value={filters.name}
        onChange={name => onChange({ ...filters, name })}
      />
      {children && (
        <Box ml="auto" alignSelf="center">
          {children}
        </Box>
      )}
    </Box>
  );
}
