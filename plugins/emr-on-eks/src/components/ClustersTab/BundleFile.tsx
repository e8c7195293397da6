import { CodeSnippet, CopyTextButton } from '@backstage/core-components';
import type { ClusterBootstrapFile } from '@spot-spark/plugin-emr-on-eks-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useId } from 'react';
import { languageOf } from './bundleFiles';

const useStyles = makeStyles(
  theme => ({
    root: { marginTop: theme.spacing(2), minWidth: 0 },
    head: {
      display: 'flex',
      alignItems: 'center',
      justifyContent: 'space-between',
      gap: theme.spacing(1),
    },
    path: { overflowWrap: 'anywhere' },
  }),
  { name: 'EmrOnEksBundleFile' },
);

/** One file of a bootstrap bundle: its path, its text, a button that copies it. */
export function BundleFile(props: { file: ClusterBootstrapFile }) {
  const { file } = props;
  const classes = useStyles();
  const headingId = useId();
  return (
    <section className={classes.root} aria-labelledby={headingId}>
      <div className={classes.head}>
        <Typography
          id={headingId}
          variant="subtitle2"
          component="h3"
          className={classes.path}
        >
          <code>{file.path}</code>
        </Typography>
        <CopyTextButton
          text={file.content}
          aria-label={`Copy ${file.path}`}
          tooltipText="Copied"
        />
      </div>
      <CodeSnippet
        text={file.content}
        language={languageOf(file)}
        customStyle={{ margin: 0, maxHeight: 320 }}
      />
    </section>
  );
}
