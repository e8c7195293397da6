import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(
  {
    root: {
      display: 'block',
      overflow: 'hidden',
      textOverflow: 'ellipsis',
      whiteSpace: 'nowrap',
    },
  },
  { name: 'EmrOnEksTruncatedText' },
);

/**
 * One line of a long text (a failure reason), cut with an ellipsis at
 * `maxWidth`; the whole text on hover. Where it matters, show it whole
 * elsewhere too (the run's drawer does).
 */
export function TruncatedText(props: { text: string; maxWidth?: string }) {
  const { text, maxWidth = '28ch' } = props;
  const classes = useStyles();
  if (!text) {
    return null;
  }
  return (
    <span className={classes.root} style={{ maxWidth }} title={text}>
      {text}
    </span>
  );
}
