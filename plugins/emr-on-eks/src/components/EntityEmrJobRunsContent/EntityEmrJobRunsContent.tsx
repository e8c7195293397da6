import Grid from '@material-ui/core/Grid';
import {
  EntityEmrJobRunsCard,
  EntityEmrJobRunsCardProps,
} from '../EntityEmrJobRunsCard';

/** The runs of the entity on a tab of their own, with larger pages. */
export function EntityEmrJobRunsContent(props: EntityEmrJobRunsCardProps) {
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <EntityEmrJobRunsCard pageSize={50} {...props} />
      </Grid>
    </Grid>
  );
}
