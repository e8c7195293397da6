import { EntityDisplayName } from '@backstage/plugin-catalog-react';

/**
 * A catalog entity's display name (`Alice Smith` for `user:default/alice`,
 * from the catalog when the app has its presentation API), with
 * the full ref on hover. A native title rather than a Tooltip: a table has a
 * cell of these per row.
 */
export function EntityName(props: {
  entityRef: string | undefined;
  defaultKind?: string;
}) {
  const { entityRef, defaultKind } = props;
  if (!entityRef) {
    return null;
  }
  return (
    // Wraps between words only (a display name has spaces), never mid-word.
    <span title={entityRef} style={{ wordBreak: 'normal' }}>
      <EntityDisplayName
        entityRef={entityRef}
        defaultKind={defaultKind}
        hideIcon
        disableTooltip
      />
    </span>
  );
}
