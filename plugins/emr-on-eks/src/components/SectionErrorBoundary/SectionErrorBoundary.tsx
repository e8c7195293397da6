import Button from '@material-ui/core/Button';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { Component, ErrorInfo, ReactNode } from 'react';

/** Props of {@link SectionErrorBoundary}. */
export interface SectionErrorBoundaryProps {
  /** The section's name, as people see it ("Logs", "State history"). */
  title: string;
  children: ReactNode;
}

interface State {
  error?: Error;
}

/**
 * Keeps a failure inside one section of a card or drawer: the section shows
 * what broke and a way to try again, the rest of the card stays usable.
 * (Backstage's own ErrorBoundary replaces the whole subtree with a page-sized
 * panel, and has no way back without a reload.)
 */
export class SectionErrorBoundary extends Component<
  SectionErrorBoundaryProps,
  State
> {
  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  state: State = {};

  componentDidCatch(error: Error, info: ErrorInfo) {
    // For whoever debugs it: React logs the error, this adds where.
    // eslint-disable-next-line no-console
    console.error(
      `Section "${this.props.title}" failed`,
      error,
      info.componentStack,
    );
  }

  private readonly retry = () => this.setState({ error: undefined });

  render() {
    const { error } = this.state;
    if (!error) {
      return this.props.children;
    }
    return (
      <Alert
        severity="error"
        role="alert"
        action={
          <Button color="inherit" size="small" onClick={this.retry}>
            Try again
          </Button>
        }
      >
        <AlertTitle>{this.props.title} could not be shown</AlertTitle>
        {error.message}
      </Alert>
    );
  }
}
