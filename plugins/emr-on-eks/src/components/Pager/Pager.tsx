import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';

/** Previous / page number / next under a cursor-paged list. */
export function Pager(props: {
  page: number;
  hasPrevious: boolean;
  /** The list's `nextCursor`; absent on the last page. */
  nextCursor?: string;
  onPrevious(): void;
  onNext(cursor: string): void;
  /** Accessible names and texts of the two buttons. */
  labels?: {
    previous: string;
    next: string;
    previousText?: string;
    nextText?: string;
  };
}) {
  const { page, hasPrevious, nextCursor, onPrevious, onNext } = props;
  const labels = props.labels ?? {
    previous: 'Previous page',
    next: 'Next page',
  };
  if (!nextCursor && !hasPrevious) {
    return null;
  }
  return (
    <Box
      display="flex"
      justifyContent="flex-end"
      alignItems="center"
      mt={1}
      style={{ gap: 8 }}
    >
      <Button
        aria-label={labels.previous}
        disabled={!hasPrevious}
        onClick={onPrevious}
      >
        {labels.previousText ?? 'Previous'}
      </Button>
      <Typography variant="body2">Page {page}</Typography>
      <Button
        aria-label={labels.next}
        disabled={!nextCursor}
        onClick={() => nextCursor && onNext(nextCursor)}
      >
        {labels.nextText ?? 'Next'}
      </Button>
    </Box>
  );
}
