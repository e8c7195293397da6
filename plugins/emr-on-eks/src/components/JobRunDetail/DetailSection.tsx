import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import { SectionErrorBoundary } from '../SectionErrorBoundary';

/** A titled section of the run's drawer; a failure stays inside it. */
export function DetailSection(props: { title: string; children: ReactNode }) {
  return (
    <Box component="section" mt={3}>
      <Typography variant="h6" component="h3" gutterBottom>
        {props.title}
      </Typography>
      <SectionErrorBoundary title={props.title}>
        {props.children}
      </SectionErrorBoundary>
    </Box>
  );
}
