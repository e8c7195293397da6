import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { JobRun } from '@spot-spark/plugin-emr-on-eks-common';
import Link from '@material-ui/core/Link';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { useTenantIfVisible } from '../../hooks';
import { consoleLinks, parseJobRunArn } from '../../lib/consoleLinks';

/** Links to the run in the AWS consoles, for those who have access there. */
export function ConsoleLinks(props: { run: JobRun }) {
  const { run } = props;
  const tenant = useTenantIfVisible(run.tenant);
  const arn = parseJobRunArn(run.arn);
  if (!arn) {
    return (
      <Typography variant="body2">
        Console links appear once EMR has accepted the run (it has no ARN yet).
      </Typography>
    );
  }
  if (tenant.loading && !tenant.value) {
    return <Progress />;
  }
  const links = consoleLinks({
    region: arn.region,
    accountId: arn.accountId,
    virtualClusterId: arn.virtualClusterId,
    emrJobRunId: run.emrJobRunId ?? arn.jobRunId,
    logGroupName: tenant.value?.status.logGroupName,
    assetsPrefix: tenant.value?.status.assetsPrefix,
    jobName: run.name,
  });
  return (
    <>
      <List dense aria-label="Console links">
        {links.map(link => (
          <ListItem key={link.kind}>
            <ListItemText
              primary={
                <Link
                  href={link.href}
                  target="_blank"
                  rel="noopener noreferrer"
                >
                  {link.title}
                </Link>
              }
              secondary={link.description}
              // Long log group names and S3 prefixes wrap, never widen the drawer.
              secondaryTypographyProps={{ style: { overflowWrap: 'anywhere' } }}
            />
          </ListItem>
        ))}
      </List>
      {!tenant.value && !tenant.error && (
        <Typography variant="body2">
          The log links need read access to tenant {run.tenant}.
        </Typography>
      )}
      {tenant.error && <ResponseErrorPanel error={tenant.error} />}
    </>
  );
}
