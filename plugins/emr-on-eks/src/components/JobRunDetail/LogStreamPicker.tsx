import { JobRunLogStream } from '@spot-spark/plugin-emr-on-eks-common';
import Box from '@material-ui/core/Box';
import TextField from '@material-ui/core/TextField';
import { useId } from 'react';

const ROLE_TITLES: Record<JobRunLogStream['role'], string> = {
  'job-submitter': 'Job submitter',
  driver: 'Driver',
  executor: 'Executor',
};

/** A container's name for people: its role, and the pod for executors. */
function containerTitle(stream: JobRunLogStream): string {
  const role = ROLE_TITLES[stream.role];
  const exec = /-exec-(\d+)$/.exec(stream.container);
  return stream.role === 'executor' && exec
    ? `${role} ${exec[1]}`
    : `${role} (${stream.container})`;
}

/** The containers of a run, in the backend's order, each once. */
function containersOf(streams: JobRunLogStream[]): JobRunLogStream[] {
  const seen = new Set<string>();
  return streams.filter(s => !seen.has(s.container) && seen.add(s.container));
}

/**
 * Which container (job submitter, driver, executors) and which of its
 * streams: native selects, which phones and screen readers handle well.
 */
export function LogStreamPicker(props: {
  streams: JobRunLogStream[];
  selected: JobRunLogStream;
  onSelect(stream: JobRunLogStream): void;
}) {
  const { streams, selected, onSelect } = props;
  const id = useId();
  const containers = containersOf(streams);
  const ofContainer = streams.filter(s => s.container === selected.container);

  const pickContainer = (container: string) => {
    const same = streams.filter(s => s.container === container);
    onSelect(same.find(s => s.stream === selected.stream) ?? same[0]);
  };

  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={1}>
      <TextField
        select
        id={`${id}-container`}
        label="Container"
        value={selected.container}
        onChange={e => pickContainer(e.target.value)}
        SelectProps={{ native: true }}
        style={{ minWidth: 200, maxWidth: '100%' }}
      >
        {containers.map(s => (
          <option key={s.container} value={s.container}>
            {containerTitle(s)}
          </option>
        ))}
      </TextField>
      <TextField
        select
        id={`${id}-stream`}
        label="Stream"
        value={selected.id}
        onChange={e =>
          onSelect(ofContainer.find(s => s.id === e.target.value) ?? selected)
        }
        SelectProps={{ native: true }}
      >
        {ofContainer.map(s => (
          <option key={s.id} value={s.id}>
            {s.stream}
          </option>
        ))}
      </TextField>
    </Box>
  );
}
