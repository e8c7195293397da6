import { CodeSnippet, CopyTextButton } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(
  theme => ({
    // The snippet keeps to the width; the page never scrolls sideways.
    root: { minWidth: 0, maxWidth: '100%' },
    head: {
      display: 'flex',
      alignItems: 'center',
      justifyContent: 'space-between',
      gap: theme.spacing(1),
    },
  }),
  { name: 'EmrOnEksCheckAdvice' },
);

/**
 * What to do about a check that did not pass: the command or manifest in a
 * code block (long lines wrapped, so a phone shows all of it), with a button
 * that copies it exactly (named after the check, unlike CodeSnippet's own
 * "Copy text", and beside the block rather than over its first line).
 */
export function CheckAdvice(props: { advice: string; checkTitle: string }) {
  const classes = useStyles();
  return (
    <div className={classes.root}>
      <div className={classes.head}>
        <Typography variant="caption" component="p">
          What to do
        </Typography>
        <CopyTextButton
          text={props.advice}
          aria-label={`Copy what to do: ${props.checkTitle}`}
          tooltipText="Copied"
        />
      </div>
      <CodeSnippet
        text={props.advice}
        // Advice mixes words and commands: as bash, an apostrophe in a
        // sentence would colour the rest as a string.
        language="plaintext"
        wrapLongLines
        customStyle={{ margin: 0 }}
      />
    </div>
  );
}
