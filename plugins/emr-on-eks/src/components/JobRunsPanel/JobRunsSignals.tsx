import { useApiHolder } from '@backstage/core-plugin-api';
import { signalApiRef, useSignal } from '@backstage/plugin-signals-react';
import {
  jobRunsSignalChannel,
  JobRunsSignal,
} from '@spot-spark/plugin-emr-on-eks-common';
import { useEffect } from 'react';
import useLatest from 'react-use/esm/useLatest';

/**
 * Whether the app has Backstage's signals (what `useSignal` reports as
 * `isSignalsAvailable`), known before any channel is subscribed.
 */
export function useSignalsAvailable(): boolean {
  return Boolean(useApiHolder().get(signalApiRef));
}

function TenantChannel(props: { tenantUid: string; onSignal(): void }) {
  const { lastSignal } = useSignal<JobRunsSignal & { [k: string]: any }>(
    jobRunsSignalChannel(props.tenantUid),
  );
  const onSignal = useLatest(props.onSignal);
  useEffect(() => {
    // A message names runs only: the list is read again through the API,
    // which checks what the user may see.
    if (lastSignal) {
      onSignal.current();
    }
  }, [lastSignal, onSignal]);
  return null;
}

/**
 * Subscribes to the job-run channel of each tenant (by uid) and calls
 * `onSignal` on every message. One `useSignal` per tenant, as hooks cannot
 * be called in a loop.
 */
export function JobRunsSignals(props: {
  tenantUids: ReadonlyArray<string>;
  onSignal(): void;
}) {
  return (
    <>
      {[...new Set(props.tenantUids)].map(uid => (
        <TenantChannel key={uid} tenantUid={uid} onSignal={props.onSignal} />
      ))}
    </>
  );
}
