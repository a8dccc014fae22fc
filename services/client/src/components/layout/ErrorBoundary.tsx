import { Component, type ReactNode } from 'react';

import { paths } from '@/config/paths';
import { ModuleLoadError } from '@/lib/lazy-import';

import { Page } from './Page';

interface ErrorPageProps {
  error: Error;
  onRetry: () => void;
}

function ErrorPage({ error, onRetry }: ErrorPageProps) {
  return (
    <Page title="Something Went Wrong">
      <p>
        {error instanceof ModuleLoadError
          ? 'This page could not be loaded. Check your connection, then try again.'
          : 'Sorry, this page stopped working because of an error on our side.'}
      </p>
      <p className="mt-4">
        <button type="button" className="button is-primary" onClick={onRetry}>
          Try again
        </button>
      </p>
      <p className="mt-4">
        {/* A full load: whatever broke starts afresh. */}
        Or go back to the <a href={paths.home}>home page</a>.
      </p>
    </Page>
  );
}

interface ErrorBoundaryProps {
  children: ReactNode;
  /** When this changes (another page was opened), the children get another chance. */
  resetKey?: unknown;
  /** Nothing of the layout is around it: the error page brings its own landmark. */
  standalone?: boolean;
}

interface ErrorBoundaryState {
  error: Error | null;
  resetKey: unknown;
}

/** Shows an error page instead of a blank screen when rendering or loading a page fails. */
export class ErrorBoundary extends Component<ErrorBoundaryProps, ErrorBoundaryState> {
  override state: ErrorBoundaryState = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<ErrorBoundaryState> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: ErrorBoundaryProps, state: ErrorBoundaryState): Partial<ErrorBoundaryState> | null {
    return props.resetKey === state.resetKey ? null : { error: null, resetKey: props.resetKey };
  }

  private retry = () => {
    // A module that failed to load may be gone for good after a deployment: only a
    // fresh load of the app knows the new file names.
    if (this.state.error instanceof ModuleLoadError) window.location.reload();
    else this.setState({ error: null });
  };

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    const page = <ErrorPage error={error} onRetry={this.retry} />;
    return this.props.standalone ? (
      <main id="main" className="section">
        <div className="container">{page}</div>
      </main>
    ) : (
      page
    );
  }
}
