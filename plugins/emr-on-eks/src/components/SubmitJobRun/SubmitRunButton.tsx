import { usePermission } from '@backstage/plugin-permission-react';
import {
  emrOnEksJobRunSubmitPermission,
  JobRun,
  Tenant,
} from '@spot-spark/plugin-emr-on-eks-common';
import Button from '@material-ui/core/Button';
import AddIcon from '@material-ui/icons/Add';
import { useState } from 'react';
import { SubmitRunDialog } from './SubmitRunDialog';

/**
 * "Submit run" and its dialog, for who may submit runs to the tenant (the
 * permission `emr-on-eks.job-run.submit` on it, as re-run checks); nothing
 * for anyone else.
 */
export function SubmitRunButton(props: {
  tenant: string;
  tenantInfo?: Tenant;
  entityRef?: string;
  onSubmitted(run: JobRun): void;
}) {
  const { tenant, tenantInfo, entityRef, onSubmitted } = props;
  const [open, setOpen] = useState(false);
  const submit = usePermission({
    permission: emrOnEksJobRunSubmitPermission,
    resourceRef: tenant,
  });
  if (!submit.allowed) {
    return null;
  }
  return (
    <>
      <Button
        variant="outlined"
        color="primary"
        startIcon={<AddIcon />}
        onClick={() => setOpen(true)}
      >
        Submit run
      </Button>
      {open && (
        <SubmitRunDialog
          tenant={tenant}
          tenantInfo={tenantInfo}
          entityRef={entityRef}
          onClose={() => setOpen(false)}
          onSubmitted={onSubmitted}
        />
      )}
    </>
  );
}
