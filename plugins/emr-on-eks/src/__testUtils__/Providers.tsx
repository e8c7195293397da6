import { Entity } from '@backstage/catalog-model';
import { FetchApi, fetchApiRef } from '@backstage/core-plugin-api';
import { catalogApiRef, EntityProvider } from '@backstage/plugin-catalog-react';
import {
  PermissionApi,
  permissionApiRef,
} from '@backstage/plugin-permission-react';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import { mockApis, TestApiProvider } from '@backstage/test-utils';
import { EmrOnEksApi } from '@spot-spark/plugin-emr-on-eks-common';
import { ReactNode } from 'react';
import { emrOnEksApiRef } from '../api';
import { LocationProbe } from './LocationProbe';

/** The providers every component test needs. */
export function Providers(props: {
  api: EmrOnEksApi;
  /** Default: Backstage's mock permission API, allowing everything. */
  permissions?: PermissionApi;
  /** Where the CSV download fetches from. */
  fetchApi?: FetchApi;
  entity?: Entity;
  /** The catalog the tenants page checks tenants' names in; none when left out. */
  catalogApi?: typeof catalogApiRef.T;
  /** Backstage's signals; an app without them when left out. */
  signalApi?: SignalApi;
  children: ReactNode;
}) {
  const content = props.entity ? (
    <EntityProvider entity={props.entity}>{props.children}</EntityProvider>
  ) : (
    props.children
  );
  return (
    <TestApiProvider
      apis={[
        [emrOnEksApiRef, props.api],
        [permissionApiRef, props.permissions ?? mockApis.permission()],
        ...(props.fetchApi
          ? [[fetchApiRef, props.fetchApi] as const]
          : ([] as const)),
        ...(props.catalogApi
          ? [[catalogApiRef, props.catalogApi] as const]
          : ([] as const)),
        ...(props.signalApi
          ? [[signalApiRef, props.signalApi] as const]
          : ([] as const)),
      ]}
    >
      {content}
      <LocationProbe />
    </TestApiProvider>
  );
}
