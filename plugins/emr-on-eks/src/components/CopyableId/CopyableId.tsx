import { CopyTextButton } from '@backstage/core-components';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(
  theme => ({
    root: { display: 'inline-flex', alignItems: 'center', maxWidth: '100%' },
    id: {
      // Wide enough for a virtual cluster id on one line; an ARN wraps.
      display: 'inline-block',
      minWidth: 'min(26ch, 45vw)',
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
      fontSize: '0.9em',
      color: theme.palette.text.primary,
      // An id or ARN has no spaces: it wraps at any character, never
      // pushing the table wider than the screen.
      overflowWrap: 'anywhere',
      wordBreak: 'break-all',
    },
  }),
  { name: 'EmrOnEksCopyableId' },
);

/**
 * An identifier (a virtual cluster id, an ARN, an S3 prefix) in monospace,
 * wrapping anywhere, with a button that copies it. Nothing for none.
 */
export function CopyableId(props: {
  value: string | undefined;
  label: string;
}) {
  const { value, label } = props;
  const classes = useStyles();
  if (!value) {
    return null;
  }
  return (
    // A copy is not a click on the row around it (which opens the tenant).
    // Not an interactive element itself: it only stops the button's click
    // (mouse or keyboard) from bubbling up.
    // eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-static-element-interactions
    <span className={classes.root} onClick={e => e.stopPropagation()}>
      <code className={classes.id}>{value}</code>
      <CopyTextButton
        text={value}
        aria-label={`Copy ${label}`}
        tooltipText={`${label} copied`}
        variant="tertiary"
      />
    </span>
  );
}
