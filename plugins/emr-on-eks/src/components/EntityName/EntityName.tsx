import { useEntityPresentation } from '@backstage/plugin-catalog-react';

/**
 * A catalog entity's display name (`Alice Smith` for `user:default/alice`,
 * from the catalog when the app has its presentation API), with the full
 * ref on hover. A native title rather than a Tooltip, and a plain span
 * rather than `EntityDisplayName`: a table has a cell of these per row, and
 * `EntityDisplayName` wraps each name in a Box, which adds a style sheet per
 * instance (half of the Costs tab's first render at 50 rows).
 */
export function EntityName(props: {
  entityRef: string | undefined;
  defaultKind?: string;
}) {
  const { entityRef, defaultKind } = props;
  if (!entityRef) {
    return null;
  }
  return <PresentedName entityRef={entityRef} defaultKind={defaultKind} />;
}

function PresentedName(props: { entityRef: string; defaultKind?: string }) {
  const { primaryTitle } = useEntityPresentation(props.entityRef, {
    defaultKind: props.defaultKind,
  });
  return (
    // Wraps between words only (a display name has spaces), never mid-word.
    <span title={props.entityRef} style={{ wordBreak: 'normal' }}>
      {primaryTitle}
    </span>
  );
}
